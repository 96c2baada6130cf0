namespace BuildSign.Core.Formats.Zip;

/// <summary>
/// Bounds a ZIP archive must stay within before BuildSign reads it; they keep a hostile archive
/// (a zip bomb, a directory of millions of entries) from exhausting memory or disk.
/// </summary>
public sealed record ZipReadLimits
{
    /// <summary>The limits used when none are given.</summary>
    public static ZipReadLimits Default { get; } = new();

    /// <summary>The most entries an archive may list.</summary>
    public int MaxEntries { get; init; } = 200_000;

    /// <summary>The largest uncompressed size one entry may declare.</summary>
    public long MaxEntryUncompressedSize { get; init; } = 4L * 1024 * 1024 * 1024;

    /// <summary>The largest uncompressed size all entries together may declare.</summary>
    public long MaxTotalUncompressedSize { get; init; } = 16L * 1024 * 1024 * 1024;

    /// <summary>
    /// The highest uncompressed-to-compressed ratio an entry may declare. Deflate cannot exceed
    /// about 1032:1, so a higher ratio is either a lie or a bomb.
    /// </summary>
    public int MaxCompressionRatio { get; init; } = 1000;

    /// <summary>
    /// The highest ratio of all entries' uncompressed sizes to the archive's length, checked once the
    /// entries together declare more than <see cref="CompressionRatioThreshold"/>. Real archives of
    /// build outputs stay far below it; thousands of small, highly compressed entries do not.
    /// </summary>
    public int MaxTotalCompressionRatio { get; init; } = 100;

    /// <summary>
    /// The most bytes one run unpacks from containers into its workspace (signable inner files only).
    /// </summary>
    public long MaxUnpackedPerRun { get; init; } = 8L * 1024 * 1024 * 1024;

    /// <summary>Entries smaller than this (uncompressed) are exempt from the ratio check: tiny files compress absurdly well.</summary>
    public long CompressionRatioThreshold { get; init; } = 1024 * 1024;
}
