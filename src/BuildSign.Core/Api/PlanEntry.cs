namespace BuildSign.Core.Api;

/// <summary>One file of a plan, as data: what will be done to it and why, with the files inside it.</summary>
public sealed record PlanEntry
{
    /// <summary>The file; an inner file is <c>container!entry/name</c>.</summary>
    public required string File { get; init; }

    /// <summary>The format's name, or unknown.</summary>
    public required string Format { get; init; }

    /// <summary>sign, replace, append, skip or refuse.</summary>
    public required string Action { get; init; }

    /// <summary>Why the file is skipped or refused.</summary>
    public string? Reason { get; init; }

    /// <summary>Where the signature will be written.</summary>
    public string? SignatureFile { get; init; }

    /// <summary>How many signatures the file has now.</summary>
    public int ExistingSignatures { get; init; }

    /// <summary>The container round (0 for plain files).</summary>
    public int Round { get; init; }

    /// <summary>The files inside a container, signed before it.</summary>
    public IReadOnlyList<PlanEntry> Children { get; init; } = [];
}
