using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace BuildSign.Core.Certificates;

/// <summary>Builds a certificate chain to given trust anchors (or the system store when none are given).</summary>
public static class CertificateChainValidator
{
    /// <summary>id-kp-codeSigning.</summary>
    public const string CodeSigning = "1.3.6.1.5.5.7.3.3";

    /// <summary>id-kp-timeStamping.</summary>
    public const string TimeStamping = "1.3.6.1.5.5.7.3.8";

    /// <summary>
    /// Returns null when <paramref name="leaf"/> chains to an anchor with the required extended key
    /// usage at <paramref name="time"/>, else a one-line reason. Revocation is not checked: the
    /// signing and timestamp times are what matter, and no network is assumed.
    /// </summary>
    public static string? Validate(X509Certificate2 leaf, IEnumerable<X509Certificate2> extra, IReadOnlyList<X509Certificate2> anchors, string requiredUsage, DateTime time)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        ArgumentNullException.ThrowIfNull(anchors);
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = time;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(requiredUsage));
        chain.ChainPolicy.ExtraStore.AddRange(extra.ToArray());
        if (anchors.Count > 0)
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(anchors.ToArray());
        }
        bool built;
        try
        {
            built = chain.Build(leaf);
        }
        catch (CryptographicException e)
        {
            return $"certificate chain of '{leaf.Subject}' cannot be built: {e.Message}";
        }
        if (built)
        {
            return null;
        }
        var purpose = requiredUsage == CodeSigning ? "code signing" : "timestamping";
        var reasons = chain.ChainStatus
            .Where(s => s.Status != X509ChainStatusFlags.NoError)
            .Select(s => s.Status switch
            {
                X509ChainStatusFlags.UntrustedRoot or X509ChainStatusFlags.PartialChain => $"not trusted (no path to a root trusted for {purpose})",
                X509ChainStatusFlags.NotTimeValid => $"certificate expired or not yet valid at {time:u}",
                X509ChainStatusFlags.NotValidForUsage => $"certificate not valid for {purpose}",
                _ => s.StatusInformation.Trim(),
            })
            .Distinct();
        return $"certificate chain of '{leaf.Subject}': {string.Join("; ", reasons)}";
    }
}
