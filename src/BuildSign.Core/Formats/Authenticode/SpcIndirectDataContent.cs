using System.Formats.Asn1;

namespace BuildSign.Core.Formats.Authenticode;

/// <summary>
/// The content an Authenticode signature signs: SEQUENCE { SpcAttributeTypeAndOptionalValue
/// { type, value }, DigestInfo { AlgorithmIdentifier (NULL parameters), digest } }.
/// </summary>
/// <param name="DataType">The attribute type, e.g. SPC_PE_IMAGE_DATA or SPC_SIPINFO.</param>
/// <param name="DataValue">The DER of the attribute value (e.g. SpcPeImageData).</param>
/// <param name="Digest">The algorithm of <paramref name="FileDigest"/>.</param>
/// <param name="FileDigest">The digest of the signed file (the PE image digest, the script digest).</param>
public sealed record SpcIndirectDataContent(string DataType, ReadOnlyMemory<byte> DataValue, DigestAlgorithm Digest, ReadOnlyMemory<byte> FileDigest)
{
    /// <summary>The DER encoding.</summary>
    public byte[] Encode()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(DataType);
                writer.WriteEncodedValue(DataValue.Span);
            }
            using (writer.PushSequence())
            {
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(Digest.Oid());
                    writer.WriteNull();
                }
                writer.WriteOctetString(FileDigest.Span);
            }
        }
        return writer.Encode();
    }

    /// <summary>
    /// The messageDigest of an Authenticode signature: the hash of the DER's contents, without the
    /// outer SEQUENCE tag and length (PKCS#7 v1.5 digests the content octets of the content).
    /// </summary>
    public static byte[] ContentDigest(ReadOnlySpan<byte> der, DigestAlgorithm algorithm)
    {
        AsnDecoder.ReadEncodedValue(der, AsnEncodingRules.BER, out var contentOffset, out var contentLength, out var consumed);
        if (consumed != der.Length) throw new AsnContentException("trailing data after SpcIndirectDataContent");
        return algorithm.Hash(der.Slice(contentOffset, contentLength));
    }

    /// <summary>Decodes an SpcIndirectDataContent.</summary>
    /// <exception cref="AsnContentException">The value is not a well-formed SpcIndirectDataContent.</exception>
    /// <exception cref="NotSupportedException">The digest algorithm is one BuildSign does not support (SHA-1, MD5).</exception>
    public static SpcIndirectDataContent Decode(ReadOnlyMemory<byte> der)
    {
        var reader = new AsnReader(der, AsnEncodingRules.BER);
        var sequence = reader.ReadSequence();
        var data = sequence.ReadSequence();
        var dataType = data.ReadObjectIdentifier();
        var dataValue = data.HasData ? data.ReadEncodedValue() : ReadOnlyMemory<byte>.Empty;
        var digestInfo = sequence.ReadSequence();
        var algorithm = digestInfo.ReadSequence();
        var oid = algorithm.ReadObjectIdentifier();
        var digest = digestInfo.ReadOctetString();
        var known = DigestAlgorithms.FromOid(oid) ?? throw new NotSupportedException($"unsupported digest algorithm {oid}");
        return new SpcIndirectDataContent(dataType, dataValue, known, digest);
    }
}
