namespace BuildSign.Core.Api;

/// <summary>
/// The versioned result of a signing run: what every shell shows, and what <c>buildsign sign --json</c>
/// prints (docs/json.md). Fields are only ever added within a schema version.
/// </summary>
public sealed record SignResult
{
    /// <summary>The version of this shape.</summary>
    public int SchemaVersion { get; init; } = ResultSchema.Version;

    /// <summary>True when the run did what was asked: no file failed or was refused, and no run-level error.</summary>
    public bool Succeeded { get; init; }

    /// <summary>True when nothing was changed: the plan only.</summary>
    public bool DryRun { get; init; }

    /// <summary>A failure of the run as a whole (the key cannot be opened, too many files); null otherwise.</summary>
    public string? Error { get; init; }

    /// <summary>The key's description (never a secret); null when the key was not opened.</summary>
    public string? Key { get; init; }

    /// <summary>The key's protection: hardware-local, signing-service or software.</summary>
    public string? KeyProtection { get; init; }

    /// <summary>The signer certificate's SHA-256 thumbprint.</summary>
    public string? CertificateThumbprint { get; init; }

    /// <summary>The timestamp servers asked, in order; empty when signatures get no timestamp.</summary>
    public IReadOnlyList<string> TimestampUrls { get; init; } = [];

    /// <summary>"rfc3161" when signatures are timestamped, "none" when not.</summary>
    public string Timestamp => TimestampUrls.Count == 0 ? "none" : "rfc3161";

    /// <summary>Every file, inner files before their containers.</summary>
    public IReadOnlyList<FileResult> Files { get; init; } = [];

    /// <summary>The plan as a tree (containers hold their inner files); filled for dry runs.</summary>
    public IReadOnlyList<PlanEntry>? Plan { get; init; }

    /// <summary>How many files were signed.</summary>
    public int Signed => Files.Count(f => f.Status == FileOutcome.Signed);

    /// <summary>How many files were skipped by policy.</summary>
    public int Skipped => Files.Count(f => f.Status == FileOutcome.Skipped);

    /// <summary>How many files failed or are refused.</summary>
    public int Failed => Files.Count(f => f.Status is FileOutcome.Failed or FileOutcome.Refused);

    /// <summary>Things the user should know that did not fail the run (no timestamp, ambiguous script encodings).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The run's wall time.</summary>
    public double ElapsedSeconds { get; init; }

    /// <summary>Wall time per stage (prepare, sign and write…), for seeing where a run's time goes.</summary>
    public IReadOnlyDictionary<string, double> StageSeconds { get; init; } = new Dictionary<string, double>();
}
