using BuildSign.Core.Keys;

namespace BuildSign.Core.Pipeline;

/// <summary>The outcome of one file of a run.</summary>
public sealed record FileSigningResult
{
    /// <summary>The file.</summary>
    public required string Path { get; init; }
    /// <summary>Its format.</summary>
    public required string Format { get; init; }
    /// <summary>What the plan said to do.</summary>
    public required PlannedAction Action { get; init; }
    /// <summary>How it came out.</summary>
    public required FileSigningStatus Status { get; init; }
    /// <summary>Where the signature was written (the file, or FILE.p7s).</summary>
    public string? SignaturePath { get; init; }
    /// <summary>The file digest that was signed, lower-case hex.</summary>
    public string? Digest { get; init; }
    /// <summary>The digest algorithm.</summary>
    public DigestAlgorithm? DigestAlgorithm { get; init; }
    /// <summary>The signer certificate's SHA-256 thumbprint.</summary>
    public string? CertificateThumbprint { get; init; }
    /// <summary>The timestamp time, when timestamped.</summary>
    public DateTimeOffset? TimestampTime { get; init; }
    /// <summary>How the key was protected.</summary>
    public KeyProtection? KeyProtection { get; init; }
    /// <summary>What the format warned about this file (reasons without the file name); empty when nothing.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
    /// <summary>Why the file failed or was skipped.</summary>
    public string? Error { get; init; }
    /// <summary>For an unexpected failure (a defect): the full exception, for a verbose log; never shown otherwise.</summary>
    public string? Detail { get; init; }
    /// <summary>The container round the file was signed in (0 for plain files).</summary>
    public int Round { get; init; }
}
