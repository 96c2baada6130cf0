using System.Security.Cryptography.X509Certificates;

namespace BuildSign.Core.Verification;

/// <summary>
/// What a signature is verified against. Code signing and timestamping have separate trust
/// anchors, as NuGet keeps them: a root trusted to vouch for publishers is not thereby trusted to
/// vouch for the time, and the timestamp's time decides whether an expired signer is accepted.
/// </summary>
public sealed record VerificationOptions
{
    /// <summary>Trust anchors for signer chains (codeSigning usage). Empty: the system store.</summary>
    public IReadOnlyList<X509Certificate2> TrustedCertificates { get; init; } = [];

    /// <summary>
    /// Trust anchors for timestamp authority chains (timeStamping usage). Empty: the system store.
    /// Only a timestamp whose TSA chains to one of these may extend an expired signer's validity.
    /// </summary>
    public IReadOnlyList<X509Certificate2> TrustedTimestampCertificates { get; init; } = [];

    /// <summary>When true, a signature made with a software key is reported as a failure.</summary>
    public bool RefuseSoftwareKeys { get; init; }

    /// <summary>
    /// When true, only the signatures' integrity is checked (digests, CMS signatures, timestamp
    /// tokens' own signatures), not whether signer or TSA chain to a trusted root: for deciding
    /// whether an existing signature is sound enough to append to, on a machine that need not
    /// trust its publisher.
    /// </summary>
    public bool IntegrityOnly { get; init; }

    /// <summary>The time "now" is for certificate validity; the system clock unless a test or host gives another.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
