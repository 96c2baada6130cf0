namespace BuildSign.Core.Files;

/// <summary>What a path names on disk.</summary>
public enum FileKind
{
    /// <summary>Nothing.</summary>
    Missing,

    /// <summary>A regular file: the only kind BuildSign opens for reading or signing.</summary>
    Regular,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A symbolic link (only reported when links are not followed).</summary>
    SymbolicLink,

    /// <summary>A FIFO, socket or device: opening one can block forever or never end.</summary>
    Special,
}
