using BuildSign.Core.Formats.Zip;

namespace BuildSign.Core.Formats.Containers;

/// <summary>What changes when a container is rewritten; every other entry is copied byte for byte.</summary>
internal sealed record ContainerChanges
{
    /// <summary>Entries whose contents are replaced, by entry name, with the file holding the new contents.</summary>
    public Dictionary<string, string> Replacements { get; } = new(StringComparer.Ordinal);

    /// <summary>New stored entries added after all others, in order (detached signatures of nested archives, a package's signature).</summary>
    public List<ZipStoredEntry> Additions { get; } = [];

    /// <summary>An entry left out of the new archive (a package's stale signature), or null.</summary>
    public string? DroppedEntry { get; init; }

    /// <summary>True when rewriting would change nothing.</summary>
    public bool IsEmpty => Replacements.Count == 0 && Additions.Count == 0;
}
