using System.Numerics;
using System.Security.Cryptography;
using Org.BouncyCastle.Tsp;

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
        var nonceBytes = RandomNumberGenerator.GetBytes(NonceBytes);
        var generator = new TimeStampRequestGenerator();
        generator.SetCertReq(true);
        var request = generator.Generate(algorithm.Oid(), imprint, new Org.BouncyCastle.Math.BigInteger(1, nonceBytes));
        return new TimestampRequest(request.GetEncoded(), algorithm, imprint, new BigInteger(nonceBytes, isUnsigned: true, isBigEndian: true));
    }
}
