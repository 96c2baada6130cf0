using System.Formats.Asn1;

namespace BuildSign.Core.Keys.Pkcs11;

/// <summary>
/// Builds the DER DigestInfo that PKCS#1 v1.5 signs: CKM_RSA_PKCS pads and signs its input as is,
/// so the caller supplies SEQUENCE { AlgorithmIdentifier { oid, NULL }, OCTET STRING digest }.
/// </summary>
internal static class DigestInfoEncoding
{
    public static byte[] Encode(DigestAlgorithm algorithm, ReadOnlySpan<byte> digest)
    {
        if (digest.Length != algorithm.SizeInBytes())
        {
            throw new SigningException($"a {algorithm.DisplayName()} digest must be {algorithm.SizeInBytes()} bytes, not {digest.Length}");
        }
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(algorithm.Oid());
                writer.WriteNull();
            }
            writer.WriteOctetString(digest);
        }
        return writer.Encode();
    }
}
