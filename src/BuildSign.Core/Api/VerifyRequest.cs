namespace BuildSign.Core.Api;

/// <summary>What to verify and what to trust.</summary>
public sealed record VerifyRequest
{
    /// <summary>Files, directories (with <see cref="Recursive"/>) and globs.</summary>
    public IReadOnlyList<string> Paths { get; init; } = [];

    /// <summary>The folder relative paths and globs are resolved against; null for the current directory.</summary>
    public string? BaseDirectory { get; init; }

    /// <summary>Verify the signed files in directories.</summary>
    public bool Recursive { get; init; }

    /// <summary>Trust anchors (PEM or DER files) for signer chains. Empty: the system store.</summary>
    public IReadOnlyList<string> TrustedCertificates { get; init; } = [];

    /// <summary>
    /// Trust anchors (PEM or DER files) for timestamp authority chains, kept apart from the signer
    /// anchors as NuGet keeps them. Empty: the system store. Only a timestamp whose TSA chains to
    /// one of these extends an expired signer certificate's validity.
    /// </summary>
    public IReadOnlyList<string> TrustedTimestampCertificates { get; init; } = [];

    /// <summary>Fail signatures that state a software key.</summary>
    public bool RefuseSoftwareKeys { get; init; }
}
