namespace BuildSign.Core.Pipeline;

/// <summary>The outcome of a run: one result per planned file.</summary>
/// <param name="Files">The results in plan order.</param>
/// <param name="Elapsed">The wall time of the run.</param>
public sealed record SigningRunResult(IReadOnlyList<FileSigningResult> Files, TimeSpan Elapsed)
{
    /// <summary>Wall time per stage (prepare, sign, timestamp, write), summed over container rounds: where a run's time went.</summary>
    public IReadOnlyDictionary<string, TimeSpan> Stages { get; init; } = new Dictionary<string, TimeSpan>();

    /// <summary>True when no file failed.</summary>
    public bool Succeeded => Files.All(f => f.Status != FileSigningStatus.Failed);

    /// <summary>How many files have the given status.</summary>
    public int Count(FileSigningStatus status) => Files.Count(f => f.Status == status);
}
