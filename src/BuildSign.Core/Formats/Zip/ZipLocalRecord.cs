using System.Buffers.Binary;

namespace BuildSign.Core.Formats.Zip;

/// <summary>
/// Checks an entry's local file header against its central directory record and measures the
/// local record: header, name, extra field, data and optional data descriptor.
/// </summary>
internal static class ZipLocalRecord
{
    private const int FixedLength = 30;
    private const ushort Zip64ExtraFieldId = 0x0001;
    private const ushort EncryptedFlag = 0x0001;
    private const ushort DataDescriptorFlag = 0x0008;

    public static ZipEntry Measure(ZipFileView file, ZipCentralDirectoryRecord record, long localAreaEnd)
    {
        var name = record.Name;
        if (record.LocalHeaderOffset > localAreaEnd - FixedLength)
        {
            throw file.Broken($"broken central directory (entry '{name}' points outside the archive's entries)");
        }
        Span<byte> header = stackalloc byte[FixedLength];
        file.Read(record.LocalHeaderOffset, header, $"the local header of '{name}'");
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != ZipRecordSignatures.LocalFileHeader)
        {
            throw file.Broken($"broken central directory (no local header where entry '{name}' points)");
        }
        var method = BinaryPrimitives.ReadUInt16LittleEndian(header[8..]);
        int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(header[26..]);
        int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(header[28..]);
        var dataOffset = record.LocalHeaderOffset + FixedLength + nameLength + extraLength;
        if (dataOffset > localAreaEnd || record.CompressedSize > localAreaEnd - dataOffset)
        {
            throw file.Broken($"broken local header for '{name}' (its data runs into the central directory)");
        }
        var variable = file.Read(record.LocalHeaderOffset + FixedLength, nameLength + extraLength, $"the local header of '{name}'");
        if (!variable.AsSpan(0, nameLength).SequenceEqual(record.RawName) || method != record.CompressionMethod)
        {
            throw file.Broken($"broken local header for '{name}' (it does not match the central directory)");
        }

        CheckAgreesWithCentralDirectory(file, record, header);

        var dataEnd = dataOffset + record.CompressedSize;
        var end = dataEnd;
        if ((record.Flags & DataDescriptorFlag) != 0)
        {
            end += DataDescriptorLength(file, record, dataEnd, localAreaEnd, HasZip64Field(variable.AsSpan(nameLength)));
        }
        return new ZipEntry
        {
            Name = name,
            RawName = record.RawName,
            Index = record.Index,
            Flags = record.Flags,
            CompressionMethod = record.CompressionMethod,
            Crc32 = record.Crc32,
            CompressedSize = record.CompressedSize,
            UncompressedSize = record.UncompressedSize,
            CentralHeaderOffset = record.Offset,
            CentralHeaderLength = record.Length,
            LocalHeaderOffset = record.LocalHeaderOffset,
            DataOffset = dataOffset,
            LocalEntryEnd = end,
            HasZip64Fields = record.HasZip64Fields,
        };
    }

    /// <summary>
    /// A reader that streams local records (and one that trusts them) must see what the central
    /// directory says: the same encryption and data-descriptor flags, and, unless a data descriptor
    /// carries them, the same CRC and sizes (saturated sizes defer to a zip64 field).
    /// </summary>
    private static void CheckAgreesWithCentralDirectory(ZipFileView file, ZipCentralDirectoryRecord record, ReadOnlySpan<byte> header)
    {
        var flags = BinaryPrimitives.ReadUInt16LittleEndian(header[6..]);
        if (((flags ^ record.Flags) & (EncryptedFlag | DataDescriptorFlag)) != 0)
        {
            throw Disagrees(file, record, "flags");
        }
        var crc = BinaryPrimitives.ReadUInt32LittleEndian(header[14..]);
        var compressed = BinaryPrimitives.ReadUInt32LittleEndian(header[18..]);
        var uncompressed = BinaryPrimitives.ReadUInt32LittleEndian(header[22..]);
        if ((flags & DataDescriptorFlag) != 0)
        {
            // The values follow the data; the header may hold zeros or the real values.
            if ((crc != 0 && crc != record.Crc32) || (compressed != 0 && compressed != uint.MaxValue && compressed != record.CompressedSize)
                || (uncompressed != 0 && uncompressed != uint.MaxValue && uncompressed != record.UncompressedSize))
            {
                throw Disagrees(file, record, "CRC or sizes");
            }
            return;
        }
        if (crc != record.Crc32
            || (compressed != uint.MaxValue && compressed != record.CompressedSize)
            || (uncompressed != uint.MaxValue && uncompressed != record.UncompressedSize))
        {
            throw Disagrees(file, record, "CRC or sizes");
        }
    }

    private static SigningException Disagrees(ZipFileView file, ZipCentralDirectoryRecord record, string what) =>
        file.Broken($"ambiguous archive (the local header of '{record.Name}' disagrees with the central directory about its {what})");

    /// <summary>CRC and two sizes (4- or 8-byte when the local header has a zip64 field), optionally signed.</summary>
    private static int DataDescriptorLength(ZipFileView file, ZipCentralDirectoryRecord record, long dataEnd, long localAreaEnd, bool zip64)
    {
        var length = zip64 ? 20 : 12;
        if (localAreaEnd - dataEnd >= 4)
        {
            Span<byte> signature = stackalloc byte[4];
            file.Read(dataEnd, signature, $"the data descriptor of '{record.Name}'");
            if (BinaryPrimitives.ReadUInt32LittleEndian(signature) == ZipRecordSignatures.DataDescriptor)
            {
                length += 4;
            }
        }
        if (length > localAreaEnd - dataEnd)
        {
            throw file.Broken($"broken local header for '{record.Name}' (its data descriptor runs into the central directory)");
        }
        Span<byte> descriptor = stackalloc byte[20];
        var values = descriptor[..(zip64 ? 20 : 12)];
        file.Read(dataEnd + length - values.Length, values, $"the data descriptor of '{record.Name}'");
        var compressed = zip64 ? (long)BinaryPrimitives.ReadUInt64LittleEndian(values[4..]) : BinaryPrimitives.ReadUInt32LittleEndian(values[4..]);
        var uncompressed = zip64 ? (long)BinaryPrimitives.ReadUInt64LittleEndian(values[12..]) : BinaryPrimitives.ReadUInt32LittleEndian(values[8..]);
        if (BinaryPrimitives.ReadUInt32LittleEndian(values) != record.Crc32 || compressed != record.CompressedSize || uncompressed != record.UncompressedSize)
        {
            throw file.Broken($"ambiguous archive (the data descriptor of '{record.Name}' disagrees with the central directory)");
        }
        return length;
    }

    private static bool HasZip64Field(ReadOnlySpan<byte> extra)
    {
        while (extra.Length >= 4)
        {
            var id = BinaryPrimitives.ReadUInt16LittleEndian(extra);
            var size = BinaryPrimitives.ReadUInt16LittleEndian(extra[2..]);
            if (id == Zip64ExtraFieldId)
            {
                return true;
            }
            if (size > extra.Length - 4)
            {
                return false;
            }
            extra = extra[(4 + size)..];
        }
        return false;
    }
}
