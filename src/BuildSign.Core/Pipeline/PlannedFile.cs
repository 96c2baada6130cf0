using BuildSign.Core.Formats;
using BuildSign.Core.Formats.Containers;
using BuildSign.Core.Pipeline.Containers;

namespace BuildSign.Core.Pipeline;

/// <summary>One entry of a <see cref="SigningPlan"/>.</summary>
public sealed record PlannedFile
{
    /// <summary>The file to sign; for a file inside a container, the container's path, '!' and the entry name (<c>pkg.nupkg!lib/x.dll</c>).</summary>
    public required string Path { get; init; }

    /// <summary>The format's name, or "unknown" when none recognised the file.</summary>
    public required string Format { get; init; }

    /// <summary>What will be done.</summary>
    public required PlannedAction Action { get; init; }

    /// <summary>Why a file is skipped or refused; null otherwise.</summary>
    public string? Reason { get; init; }

    /// <summary>The file the signature is written to (the file itself, or FILE.p7s).</summary>
    public string? SignaturePath { get; init; }

    /// <summary>How many signatures the file has now.</summary>
    public int ExistingSignatures { get; init; }

    /// <summary>
    /// The container round: inner files are signed in earlier rounds than the containers that
    /// hold them (0 for plain files).
    /// </summary>
    public int Round { get; init; }

    /// <summary>For a file refused by an unexpected error (a defect): the full exception, for a verbose log.</summary>
    public string? Detail { get; init; }

    /// <summary>Files inside this one (containers), signed before it.</summary>
    public IReadOnlyList<PlannedFile> Children { get; init; } = [];

    /// <summary>The format that handles the file; not part of the plan's printed form.</summary>
    internal IFileFormat? Handler { get; init; }

    /// <summary>The format's inspection results, carried to signing so the file is parsed once.</summary>
    internal FileInspection? Inspection { get; init; }

    /// <summary>The file's length and time at planning, to detect a file that changes while being signed.</summary>
    internal SourceFileSnapshot? Snapshot { get; init; }

    /// <summary>Where the file's bytes are on disk, when not at <see cref="Path"/>: an inner file's extracted copy.</summary>
    internal string? WorkPath { get; init; }

    /// <summary>Where the signature is written on disk, when not at <see cref="SignaturePath"/>.</summary>
    internal string? WorkSignaturePath { get; init; }

    /// <summary>For an inner file: the archive entry it came from.</summary>
    internal InnerEntry? Entry { get; init; }

    /// <summary>For a container whose inner files are planned: its layout and workspace folder.</summary>
    internal ContainerContent? Container { get; init; }

    /// <summary>True when the plan will write a signature for this file.</summary>
    public bool WillSign => Action is PlannedAction.Sign or PlannedAction.Replace or PlannedAction.Append;
}
