using BuildSign.Core.Keys;

namespace BuildSign.Core.Verification;

/// <summary>The findings for one signature of a file (a file may carry nested signatures).</summary>
public sealed record SignatureVerification
{
    /// <summary>The signer certificate's subject.</summary>
    public required string Signer { get; init; }
    /// <summary>The signer certificate's SHA-256 thumbprint, hex.</summary>
    public required string CertificateThumbprint { get; init; }
    /// <summary>The signature's digest algorithm.</summary>
    public required DigestAlgorithm Digest { get; init; }
    /// <summary>The key protection the signature states, when it carries BuildSign's attribute.</summary>
    public KeyProtection? KeyProtection { get; init; }
    /// <summary>The timestamp's time, when the signature is timestamped.</summary>
    public DateTimeOffset? TimestampTime { get; init; }
    /// <summary>Every problem found; empty when the signature is valid.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];
    /// <summary>True when no problem was found.</summary>
    public bool IsValid => Problems.Count == 0;
}
