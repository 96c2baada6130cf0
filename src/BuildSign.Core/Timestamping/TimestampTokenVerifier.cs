using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace BuildSign.Core.Timestamping;

/// <summary>
/// Verifies an embedded RFC 3161 timestamp token against the signature value it stamps:
/// imprint, token signature, the TSA certificate's critical id-kp-timeStamping EKU, and,
/// when trust anchors are given, the TSA certificate's chain to one of them.
/// </summary>
public static class TimestampTokenVerifier
{
    /// <summary>Verifies a token; every problem found is listed, none is thrown.</summary>
    /// <param name="token">The TimeStampToken DER (a CMS ContentInfo) from the unsigned attribute.</param>
    /// <param name="signatureValue">The SignerInfo signature value the token should stamp.</param>
    /// <param name="trustAnchors">Roots the TSA chain must end in; empty: the chain is not checked.</param>
    public static TimestampVerification Verify(ReadOnlyMemory<byte> token, ReadOnlySpan<byte> signatureValue, IReadOnlyList<X509Certificate2> trustAnchors)
    {
        TimestampToken parsed;
        try
        {
            parsed = TimestampToken.Parse(token.Span);
        }
        catch (SigningException e)
        {
            return new TimestampVerification(null, null, [e.Message]);
        }

        var problems = parsed.FindProblems();
        if (parsed.ImprintAlgorithm is { } algorithm && !algorithm.Hash(signatureValue).AsSpan().SequenceEqual(parsed.ImprintDigest))
            problems.Add("timestamp message imprint does not match the signature it is attached to");
        if (parsed.SignerCertificate is { } signer && trustAnchors.Count > 0 && FindChainProblem(parsed, signer, trustAnchors) is { } chainProblem)
            problems.Add(chainProblem);
        return new TimestampVerification(parsed.GenTime, parsed.SignerCertificate?.Subject, problems);
    }

    private static string? FindChainProblem(TimestampToken token, X509Certificate2 signer, IReadOnlyList<X509Certificate2> trustAnchors)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trustAnchors.ToArray());
        chain.ChainPolicy.ExtraStore.AddRange(token.Certificates.ToArray());
        // Revocation is out of scope here; the TSA's certificate must have been valid when it stamped.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = token.GenTime.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(TimestampSigningCertificate.TimeStampingEku));
        if (chain.Build(signer))
            return null;
        var reasons = chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct();
        return $"TSA certificate '{signer.Subject}' does not chain to a trusted root ({string.Join("; ", reasons)})";
    }
}
