namespace BuildSign.Core.Formats.Zip;

/// <summary>
/// The validated structure of a ZIP archive: its entries and where each record lies. Produced by
/// <see cref="ZipArchiveReader"/>; the local entries tile the file from
/// <see cref="LocalEntriesStart"/> to <see cref="CentralDirectoryOffset"/> without gaps or overlaps,
/// and the central directory ends exactly where the end records begin.
/// </summary>
public sealed record ZipArchiveLayout
{
    /// <summary>The file's length in bytes.</summary>
    public required long FileLength { get; init; }

    /// <summary>The entries in central directory order.</summary>
    public required IReadOnlyList<ZipEntry> Entries { get; init; }

    /// <summary>Where the first local file header starts; bytes before it are a prefix (a self-extractor stub).</summary>
    public required long LocalEntriesStart { get; init; }

    /// <summary>Where the central directory starts.</summary>
    public required long CentralDirectoryOffset { get; init; }

    /// <summary>The central directory's length in bytes.</summary>
    public required long CentralDirectorySize { get; init; }

    /// <summary>Where the zip64 end of central directory record starts, for zip64 archives.</summary>
    public long? Zip64EndOfCentralDirectoryOffset { get; init; }

    /// <summary>Where the (classic) end of central directory record starts.</summary>
    public required long EndOfCentralDirectoryOffset { get; init; }

    /// <summary>The archive comment's length (the bytes after the 22-byte end record).</summary>
    public required int CommentLength { get; init; }

    /// <summary>True when the archive uses zip64 end records.</summary>
    public bool IsZip64 => Zip64EndOfCentralDirectoryOffset is not null;

    /// <summary>The entries ordered by where their local records lie in the file.</summary>
    public IEnumerable<ZipEntry> EntriesInFileOrder => Entries.OrderBy(e => e.LocalHeaderOffset);

    /// <summary>Finds an entry by its exact (case-sensitive) name.</summary>
    public ZipEntry? Find(string name) => Entries.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.Ordinal));
}
