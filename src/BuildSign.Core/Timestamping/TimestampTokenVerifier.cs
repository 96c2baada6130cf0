using BuildSign.Core.Certificates;
using System.Security.Cryptography.X509Certificates;

namespace BuildSign.Core.Timestamping;

/// <summary>
/// Verifies an RFC 3161 timestamp token against the signature value it stamps: strict decoding,
/// imprint, token signature, the TSA certificate's critical id-kp-timeStamping EKU, and the TSA
/// certificate's chain to a timestamping trust anchor (the given ones, or the system store). The
/// signing side checks every token with this same code before embedding it, so BuildSign never
/// embeds a token its own verify would refuse.
/// </summary>
public static class TimestampTokenVerifier
{
    /// <summary>Verifies a token; every problem found is listed, none is thrown.</summary>
    /// <param name="token">The TimeStampToken DER (a CMS ContentInfo) from the unsigned attribute.</param>
    /// <param name="signatureValue">The SignerInfo signature value the token should stamp.</param>
    /// <param name="trustAnchors">
    /// Timestamping trust anchors the TSA chain must end in; empty: the system store; null: the
    /// chain is not checked (integrity only).
    /// </param>
    public static TimestampVerification Verify(ReadOnlyMemory<byte> token, ReadOnlySpan<byte> signatureValue, IReadOnlyList<X509Certificate2>? trustAnchors)
    {
        var stamped = signatureValue.ToArray();
        return Verify(token, algorithm => algorithm.Hash(stamped), trustAnchors, "the signature it is attached to").Verification;
    }

    /// <summary>
    /// The shared checks, returning the parsed token too. <paramref name="imprintOf"/> gives the imprint the token must carry for
    /// its algorithm; <paramref name="trustAnchors"/> null skips the chain (the signing side, which
    /// does not know what the eventual verifier trusts).
    /// </summary>
    internal static (TimestampVerification Verification, TimestampToken? Token) Verify(ReadOnlyMemory<byte> token, Func<DigestAlgorithm, byte[]> imprintOf, IReadOnlyList<X509Certificate2>? trustAnchors, string stampedThing)
    {
        TimestampToken parsed;
        try
        {
            parsed = TimestampToken.Parse(token);
        }
        catch (SigningException e)
        {
            return (new TimestampVerification(null, null, [e.Message]), null);
        }

        var problems = parsed.FindProblems();
        if (parsed.ImprintAlgorithm is { } algorithm && !imprintOf(algorithm).AsSpan().SequenceEqual(parsed.ImprintDigest))
            problems.Add($"timestamp message imprint does not match {stampedThing}");
        if (problems.Count == 0 && trustAnchors is not null && parsed.SignerCertificate is { } signer)
        {
            // The TSA's certificate must have been valid, and chain to a timestamping root, when it stamped.
            var chainProblem = CertificateChainValidator.Validate(signer, parsed.Certificates, trustAnchors, CertificateChainValidator.TimeStamping, parsed.GenTime.UtcDateTime);
            if (chainProblem is not null)
                problems.Add($"TSA {chainProblem}");
        }
        return (new TimestampVerification(parsed.GenTime, parsed.SignerCertificate?.Subject, problems), parsed);
    }
}
