namespace BuildSign.Core.Formats.Zip;

/// <summary>
/// Reads and validates the structure of a ZIP archive without extracting anything: the end
/// records (zip64 aware, searched only in the last 64 KiB + 22 bytes), every central directory
/// header, and every local header, each checked against the file's length. Refuses broken
/// directories, unsafe names, duplicate names, encrypted entries, overlapping or gapped local
/// records and sizes beyond <see cref="ZipReadLimits"/>, with a <see cref="SigningException"/>
/// naming the file and the reason.
/// </summary>
public static class ZipArchiveReader
{
    /// <summary>Reads the archive in a file.</summary>
    public static ZipArchiveLayout ReadFile(string path, ZipReadLimits? limits = null)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.RandomAccess);
        return Read(stream, path, limits);
    }

    /// <summary>Reads the archive in a seekable stream; <paramref name="path"/> names it in errors.</summary>
    public static ZipArchiveLayout Read(Stream stream, string path, ZipReadLimits? limits = null)
    {
        limits ??= ZipReadLimits.Default;
        var file = new ZipFileView(stream, path);
        var end = ZipEndRecords.Read(file);
        if (end.EntryCount > limits.MaxEntries)
        {
            throw file.Broken($"too many zip entries ({end.EntryCount}, limit {limits.MaxEntries})");
        }
        if (end.EntryCount * ZipCentralDirectoryRecord.FixedLength > end.CentralDirectorySize)
        {
            throw file.Broken("broken central directory (it lists more entries than it can hold)");
        }

        var records = ReadCentralDirectory(file, end, limits);
        var entries = records.Select(r => ZipLocalRecord.Measure(file, r, end.CentralDirectoryOffset)).ToList();
        var localStart = CheckLocalRecordsTile(file, entries, end.CentralDirectoryOffset);

        return new ZipArchiveLayout
        {
            FileLength = file.Length,
            Entries = entries,
            LocalEntriesStart = localStart,
            CentralDirectoryOffset = end.CentralDirectoryOffset,
            CentralDirectorySize = end.CentralDirectorySize,
            Zip64EndOfCentralDirectoryOffset = end.Zip64EndOfCentralDirectoryOffset,
            EndOfCentralDirectoryOffset = end.EndOfCentralDirectoryOffset,
            CommentLength = end.CommentLength,
        };
    }

    private static List<ZipCentralDirectoryRecord> ReadCentralDirectory(ZipFileView file, ZipEndRecords end, ZipReadLimits limits)
    {
        var records = new List<ZipCentralDirectoryRecord>((int)Math.Min(end.EntryCount, 4096));
        var names = new HashSet<string>(StringComparer.Ordinal);
        var offset = end.CentralDirectoryOffset;
        long totalUncompressed = 0;
        for (var index = 0; index < end.EntryCount; index++)
        {
            var record = ZipCentralDirectoryRecord.Read(file, index, offset, end.CentralDirectoryEnd);
            offset += record.Length;
            CheckEntry(file, record, limits);
            if (!names.Add(record.Name))
            {
                throw file.Broken($"duplicate zip entry '{record.Name}'");
            }
            totalUncompressed += record.UncompressedSize;
            if (totalUncompressed > limits.MaxTotalUncompressedSize)
            {
                throw file.Broken($"zip entries declare more than {limits.MaxTotalUncompressedSize} bytes uncompressed in total (limit)");
            }
            records.Add(record);
        }
        if (offset != end.CentralDirectoryEnd)
        {
            throw file.Broken("broken central directory (it holds bytes beyond the entries it lists)");
        }
        // Small entries are exempt from the per-entry ratio check, so thousands of them could still
        // inflate a small archive to gigabytes: the archive as a whole is bounded too.
        if (totalUncompressed >= limits.CompressionRatioThreshold
            && totalUncompressed / Math.Max(file.Length, 1) > limits.MaxTotalCompressionRatio)
        {
            throw file.Broken($"zip entries declare {totalUncompressed} bytes uncompressed in a {file.Length}-byte archive, a compression ratio of {totalUncompressed / Math.Max(file.Length, 1)}:1 (limit {limits.MaxTotalCompressionRatio}:1), a zip bomb");
        }
        return records;
    }

    private static void CheckEntry(ZipFileView file, ZipCentralDirectoryRecord record, ZipReadLimits limits)
    {
        if (ZipEntryNameRules.FindProblem(record.Name) is { } problem)
        {
            throw file.Broken(problem);
        }
        if ((record.Flags & 0x0001) != 0)
        {
            throw file.Broken($"zip entry '{record.Name}' is encrypted (not supported)");
        }
        if (record.UncompressedSize > limits.MaxEntryUncompressedSize)
        {
            throw file.Broken($"zip entry '{record.Name}' declares {record.UncompressedSize} bytes uncompressed (limit {limits.MaxEntryUncompressedSize})");
        }
        if (record.CompressionMethod == 0 && record.CompressedSize != record.UncompressedSize)
        {
            throw file.Broken($"broken central directory (stored entry '{record.Name}' has different compressed and uncompressed sizes)");
        }
        if (record.UncompressedSize >= limits.CompressionRatioThreshold
            && record.UncompressedSize / Math.Max(record.CompressedSize, 1) > limits.MaxCompressionRatio)
        {
            throw file.Broken($"zip entry '{record.Name}' declares a compression ratio of {record.UncompressedSize / Math.Max(record.CompressedSize, 1)}:1 (limit {limits.MaxCompressionRatio}:1), a zip bomb");
        }
    }

    /// <summary>
    /// Local records must follow each other exactly up to the central directory: an overlap is
    /// how zip bombs reuse data, and a gap is data no entry owns (and no signature would cover).
    /// </summary>
    private static long CheckLocalRecordsTile(ZipFileView file, List<ZipEntry> entries, long centralDirectoryOffset)
    {
        var ordered = entries.OrderBy(e => e.LocalHeaderOffset).ToList();
        if (ordered.Count == 0)
        {
            return centralDirectoryOffset == 0 ? 0 : throw file.Broken($"ambiguous archive ({centralDirectoryOffset} unexpected bytes before the central directory)");
        }
        // Bytes before the first entry are what a reader that scans from the front reads first: another archive, unsigned.
        if (ordered[0].LocalHeaderOffset != 0)
        {
            throw file.Broken($"ambiguous archive ({ordered[0].LocalHeaderOffset} unexpected bytes before the first zip entry)");
        }
        for (var i = 1; i < ordered.Count; i++)
        {
            var previous = ordered[i - 1];
            var next = ordered[i];
            if (next.LocalHeaderOffset < previous.LocalEntryEnd)
            {
                throw file.Broken($"broken archive (zip entries '{previous.Name}' and '{next.Name}' overlap)");
            }
            if (next.LocalHeaderOffset > previous.LocalEntryEnd)
            {
                throw file.Broken($"broken archive (unexpected bytes between zip entries '{previous.Name}' and '{next.Name}')");
            }
        }
        if (ordered[^1].LocalEntryEnd != centralDirectoryOffset)
        {
            throw file.Broken($"broken archive (unexpected bytes between zip entry '{ordered[^1].Name}' and the central directory)");
        }
        return ordered[0].LocalHeaderOffset;
    }
}
