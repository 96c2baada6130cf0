namespace BuildSign.Core.Api;

/// <summary>What happened, as it happens: reported through <see cref="IProgress{T}"/> during a run.</summary>
public enum SigningProgressKind
{
    /// <summary>The plan is made: <see cref="SigningProgress.Total"/> files will be signed.</summary>
    Planned,
    /// <summary>A file was signed, written and verified.</summary>
    Signed,
    /// <summary>A file was left alone by policy.</summary>
    Skipped,
    /// <summary>A file failed or was refused; it is unchanged.</summary>
    Failed,
    /// <summary>Something the user should know (no timestamp, an ambiguous encoding).</summary>
    Warning,
}

/// <summary>One progress event of a signing run.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="File">The file it happened to; null for run-level events.</param>
/// <param name="Format">The file's format, when known.</param>
/// <param name="Message">The reason for a failure or skip, or the warning; null otherwise.</param>
/// <param name="Completed">Files finished so far (signed, skipped or failed).</param>
/// <param name="Total">Files the run deals with.</param>
public sealed record SigningProgress(SigningProgressKind Kind, string? File, string? Format, string? Message, int Completed, int Total);
