using System.Formats.Asn1;
using System.Numerics;

namespace BuildSign.Core.Keys.Pkcs11;

/// <summary>
/// Converts the raw r‖s a PKCS#11 token returns for CKM_ECDSA into DER SEQUENCE { r, s }, the
/// form CMS and X.509 carry.
/// </summary>
internal static class EcdsaSignatureEncoding
{
    public static byte[] ToDer(ReadOnlySpan<byte> rawSignature)
    {
        if (rawSignature.Length == 0 || rawSignature.Length % 2 != 0)
        {
            throw new SigningException($"the token returned an ECDSA signature of odd length {rawSignature.Length}");
        }
        var half = rawSignature.Length / 2;
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(new BigInteger(rawSignature[..half], isUnsigned: true, isBigEndian: true));
            writer.WriteInteger(new BigInteger(rawSignature[half..], isUnsigned: true, isBigEndian: true));
        }
        return writer.Encode();
    }
}
