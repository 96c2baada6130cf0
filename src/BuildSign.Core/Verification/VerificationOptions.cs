using System.Security.Cryptography.X509Certificates;

namespace BuildSign.Core.Verification;

/// <summary>What a signature is verified against.</summary>
public sealed record VerificationOptions
{
    /// <summary>Trust anchors for code-signing and timestamp chains. Empty: chains are built but not anchored.</summary>
    public IReadOnlyList<X509Certificate2> TrustedCertificates { get; init; } = [];

    /// <summary>When true, a signature made with a software key is reported as a failure.</summary>
    public bool RefuseSoftwareKeys { get; init; }
}
