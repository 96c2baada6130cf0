using System.Numerics;
using System.Security.Cryptography;
using BuildSign.DevTools.Timestamping;
using BuildSign.Testing;
using Org.BouncyCastle.Tsp;

namespace BuildSign.Fuzz.Tests;

/// <summary>A real RFC 3161 exchange with the project's TSA: the response, and what it must echo.</summary>
internal sealed record TimestampSeed(byte[] Response, byte[] Imprint, BigInteger Nonce)
{
    private static readonly Lazy<TimestampSeed> SharedSeed = new(Create);

    public static TimestampSeed Shared => SharedSeed.Value;

    private static TimestampSeed Create()
    {
        var authority = new TimestampAuthority(TestPki.Shared.TsaLeaf, TestPki.Shared.TsaKey);
        var imprint = SHA256.HashData("a signature value"u8);
        var nonce = RandomNumberGenerator.GetBytes(8);
        var generator = new TimeStampRequestGenerator();
        generator.SetCertReq(true);
        var request = generator.Generate("2.16.840.1.101.3.4.2.1", imprint, new Org.BouncyCastle.Math.BigInteger(1, nonce));
        return new TimestampSeed(authority.Respond(request.GetEncoded()), imprint, new BigInteger(nonce, isUnsigned: true, isBigEndian: true));
    }
}
