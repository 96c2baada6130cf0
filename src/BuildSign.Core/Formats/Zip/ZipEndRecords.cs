using System.Buffers.Binary;

namespace BuildSign.Core.Formats.Zip;

/// <summary>
/// The end of central directory record (and its zip64 counterpart) of an archive: where the
/// central directory is, how large, and how many entries it lists.
/// </summary>
internal sealed record ZipEndRecords(
    long EndOfCentralDirectoryOffset,
    int CommentLength,
    long? Zip64EndOfCentralDirectoryOffset,
    long EntryCount,
    long CentralDirectoryOffset,
    long CentralDirectorySize)
{
    private const int EndRecordLength = 22;
    private const int LocatorLength = 20;
    private const int Zip64EndRecordMinimumLength = 56;

    /// <summary>Where the central directory must end: at the first end record.</summary>
    public long CentralDirectoryEnd => Zip64EndOfCentralDirectoryOffset ?? EndOfCentralDirectoryOffset;

    public static ZipEndRecords Read(ZipFileView file)
    {
        if (file.Length < EndRecordLength)
        {
            throw file.Broken("not a zip archive (too short)");
        }

        // The end record is the last 22 bytes plus a comment of at most 65535 bytes: search only there.
        var tailLength = (int)Math.Min(file.Length, EndRecordLength + ushort.MaxValue);
        var tailStart = file.Length - tailLength;
        var tail = file.Read(tailStart, tailLength, "the end of central directory record");
        var at = FindEndRecord(file, tail);
        if (at < 0)
        {
            throw file.Broken("not a zip archive (no end of central directory record)");
        }
        CheckUnambiguous(file, tail.AsSpan(at));

        var record = tail.AsSpan(at, EndRecordLength);
        var eocdOffset = tailStart + at;
        var diskNumber = BinaryPrimitives.ReadUInt16LittleEndian(record[4..]);
        var centralDirectoryDisk = BinaryPrimitives.ReadUInt16LittleEndian(record[6..]);
        long entriesOnDisk = BinaryPrimitives.ReadUInt16LittleEndian(record[8..]);
        long entries = BinaryPrimitives.ReadUInt16LittleEndian(record[10..]);
        long size = BinaryPrimitives.ReadUInt32LittleEndian(record[12..]);
        long offset = BinaryPrimitives.ReadUInt32LittleEndian(record[16..]);
        var commentLength = BinaryPrimitives.ReadUInt16LittleEndian(record[20..]);

        long? zip64Offset = null;
        if (HasZip64Locator(file, eocdOffset, out var zip64EndOffset))
        {
            zip64Offset = zip64EndOffset;
            (diskNumber, centralDirectoryDisk, entriesOnDisk, entries, size, offset) = ReadZip64EndRecord(file, zip64EndOffset, eocdOffset - LocatorLength);
        }
        else if (entries == ushort.MaxValue || size == uint.MaxValue || offset == uint.MaxValue)
        {
            throw file.Broken("broken central directory (zip64 values without a zip64 end record)");
        }

        if (diskNumber != 0 || centralDirectoryDisk != 0 || entriesOnDisk != entries)
        {
            throw file.Broken("multi-disk (split) zip archives are not supported");
        }

        var records = new ZipEndRecords(eocdOffset, commentLength, zip64Offset, entries, offset, size);
        if (offset > records.CentralDirectoryEnd || size != records.CentralDirectoryEnd - offset)
        {
            throw file.Broken("broken central directory (its offset and size do not meet the end record)");
        }
        return records;
    }

    /// <summary>
    /// Readers find the end record in different ways (the last signature, the first from the end whose
    /// comment fits, a scan from the front), so an archive must leave them no choice: one end record
    /// whose comment reaches exactly the end of the file, and a comment that holds no zip records (a
    /// second archive hidden in the comment is what some readers would read instead).
    /// </summary>
    private static void CheckUnambiguous(ZipFileView file, ReadOnlySpan<byte> endRecordAndComment)
    {
        var comment = endRecordAndComment[EndRecordLength..];
        if (comment.IndexOf("PK\x05\x06"u8) >= 0 || comment.IndexOf("PK\x01\x02"u8) >= 0 || comment.IndexOf("PK\x03\x04"u8) >= 0
            || comment.IndexOf("PK\x06\x06"u8) >= 0 || comment.IndexOf("PK\x06\x07"u8) >= 0)
        {
            throw file.Broken("ambiguous archive (its comment holds zip records, so different tools would read different contents)");
        }
    }

    /// <summary>
    /// The one "PK\x05\x06" whose comment length reaches exactly the end of the file; -1 when there is none.
    /// Two such records (an archive appended in the comment of another) make the archive ambiguous.
    /// </summary>
    private static int FindEndRecord(ZipFileView file, ReadOnlySpan<byte> tail)
    {
        var found = -1;
        for (var at = tail.Length - EndRecordLength; at >= 0; at--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(tail[at..]) == ZipRecordSignatures.EndOfCentralDirectory
                && at + EndRecordLength + BinaryPrimitives.ReadUInt16LittleEndian(tail[(at + 20)..]) == tail.Length)
            {
                if (found >= 0)
                {
                    throw file.Broken("ambiguous archive (more than one end of central directory record, so different tools would read different contents)");
                }
                found = at;
            }
        }
        return found;
    }

    private static bool HasZip64Locator(ZipFileView file, long eocdOffset, out long zip64EndOffset)
    {
        zip64EndOffset = 0;
        if (eocdOffset < LocatorLength)
        {
            return false;
        }
        Span<byte> locator = stackalloc byte[LocatorLength];
        file.Read(eocdOffset - LocatorLength, locator, "the zip64 end of central directory locator");
        if (BinaryPrimitives.ReadUInt32LittleEndian(locator) != ZipRecordSignatures.Zip64EndOfCentralDirectoryLocator)
        {
            return false;
        }
        var disk = BinaryPrimitives.ReadUInt32LittleEndian(locator[4..]);
        var offset = BinaryPrimitives.ReadUInt64LittleEndian(locator[8..]);
        var totalDisks = BinaryPrimitives.ReadUInt32LittleEndian(locator[16..]);
        if (disk != 0 || totalDisks > 1)
        {
            throw file.Broken("multi-disk (split) zip archives are not supported");
        }
        if (offset > (ulong)(eocdOffset - LocatorLength))
        {
            throw file.Broken("broken central directory (zip64 end record offset is outside the file)");
        }
        zip64EndOffset = (long)offset;
        return true;
    }

    private static (ushort Disk, ushort CentralDirectoryDisk, long EntriesOnDisk, long Entries, long Size, long Offset) ReadZip64EndRecord(ZipFileView file, long offset, long locatorOffset)
    {
        if (locatorOffset - offset < Zip64EndRecordMinimumLength)
        {
            throw file.Broken("broken central directory (zip64 end record is truncated)");
        }
        Span<byte> record = stackalloc byte[Zip64EndRecordMinimumLength];
        file.Read(offset, record, "the zip64 end of central directory record");
        if (BinaryPrimitives.ReadUInt32LittleEndian(record) != ZipRecordSignatures.Zip64EndOfCentralDirectory)
        {
            throw file.Broken("broken central directory (no zip64 end record where the locator points)");
        }
        // The recorded size excludes the signature and the size field itself (12 bytes).
        var recordSize = BinaryPrimitives.ReadUInt64LittleEndian(record[4..]);
        if (recordSize != (ulong)(locatorOffset - offset - 12))
        {
            throw file.Broken("broken central directory (zip64 end record size does not meet its locator)");
        }
        var disk = BinaryPrimitives.ReadUInt32LittleEndian(record[16..]);
        var centralDirectoryDisk = BinaryPrimitives.ReadUInt32LittleEndian(record[20..]);
        var entriesOnDisk = BinaryPrimitives.ReadUInt64LittleEndian(record[24..]);
        var entries = BinaryPrimitives.ReadUInt64LittleEndian(record[32..]);
        var size = BinaryPrimitives.ReadUInt64LittleEndian(record[40..]);
        var cdOffset = BinaryPrimitives.ReadUInt64LittleEndian(record[48..]);
        if (entries > int.MaxValue || size > (ulong)file.Length || cdOffset > (ulong)file.Length || entriesOnDisk > int.MaxValue)
        {
            throw file.Broken("broken central directory (zip64 end record values exceed the file)");
        }
        return ((ushort)Math.Min(disk, ushort.MaxValue), (ushort)Math.Min(centralDirectoryDisk, ushort.MaxValue), (long)entriesOnDisk, (long)entries, (long)size, (long)cdOffset);
    }
}
