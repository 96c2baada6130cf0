namespace BuildSign.Core.Api;

/// <summary>How one file came out of a run (or, in a dry run, what the plan says).</summary>
public enum FileOutcome
{
    /// <summary>Signed, written and verified.</summary>
    Signed,
    /// <summary>Left alone on purpose (already signed, and the policy says skip).</summary>
    Skipped,
    /// <summary>Not signed; the file is byte-identical to before.</summary>
    Failed,
    /// <summary>Dry run: would be signed.</summary>
    Planned,
    /// <summary>Dry run: cannot be signed (the reason says why).</summary>
    Refused,
}
