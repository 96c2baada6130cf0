using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;

namespace BuildSign.Core.Timestamping;

/// <summary>An RFC 3161 TimeStampReq for one signature value, and what its response must echo.</summary>
/// <param name="Der">The encoded request.</param>
/// <param name="Algorithm">The imprint's hash algorithm.</param>
/// <param name="Imprint">The hash of the signature value.</param>
/// <param name="Nonce">The random nonce the response must echo.</param>
internal sealed record TimestampRequest(byte[] Der, DigestAlgorithm Algorithm, byte[] Imprint, BigInteger Nonce)
{
    private const int NonceBytes = 8;

    /// <summary>Builds a request for the hash of <paramref name="signatureValue"/>, with certReq set and a fresh nonce.</summary>
    public static TimestampRequest Create(ReadOnlySpan<byte> signatureValue, DigestAlgorithm algorithm)
    {
        var imprint = algorithm.Hash(signatureValue);
        var nonce = new BigInteger(RandomNumberGenerator.GetBytes(NonceBytes), isUnsigned: true, isBigEndian: true);

        // TimeStampReq ::= SEQUENCE { version v1, messageImprint, reqPolicy OPTIONAL, nonce, certReq TRUE }
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(1);
            using (writer.PushSequence())
            {
                // The hash AlgorithmIdentifier carries NULL parameters, as signtool and
                // osslsigncode send it; some authorities compare it byte for byte.
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(algorithm.Oid());
                    writer.WriteNull();
                }
                writer.WriteOctetString(imprint);
            }
            writer.WriteInteger(nonce);
            writer.WriteBoolean(true);
        }
        return new TimestampRequest(writer.Encode(), algorithm, imprint, nonce);
    }
}
