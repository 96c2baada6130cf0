namespace BuildSign.Core.Pipeline;

/// <summary>How a file came out of a run.</summary>
public enum FileSigningStatus
{
    /// <summary>Signed, written and verified.</summary>
    Signed,
    /// <summary>Left alone on purpose.</summary>
    Skipped,
    /// <summary>Not signed; the file is byte-identical to before.</summary>
    Failed,
}
