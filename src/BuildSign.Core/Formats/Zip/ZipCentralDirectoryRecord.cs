using System.Buffers.Binary;
using System.Text;

namespace BuildSign.Core.Formats.Zip;

/// <summary>One central directory file header, decoded and bounds-checked against its directory.</summary>
internal sealed record ZipCentralDirectoryRecord(
    int Index,
    long Offset,
    int Length,
    ushort Flags,
    ushort CompressionMethod,
    uint Crc32,
    long CompressedSize,
    long UncompressedSize,
    long LocalHeaderOffset,
    byte[] RawName,
    string Name,
    bool HasZip64Fields)
{
    public const int FixedLength = 46;
    private const ushort Zip64ExtraFieldId = 0x0001;
    private const ushort Utf8NameFlag = 0x0800;

    /// <summary>Reads the record at <paramref name="offset"/>, which must end at or before <paramref name="directoryEnd"/>.</summary>
    public static ZipCentralDirectoryRecord Read(ZipFileView file, int index, long offset, long directoryEnd)
    {
        if (directoryEnd - offset < FixedLength)
        {
            throw file.Broken($"broken central directory (entry {index + 1} runs past its end)");
        }
        Span<byte> header = stackalloc byte[FixedLength];
        file.Read(offset, header, "a central directory header");
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != ZipRecordSignatures.CentralDirectoryHeader)
        {
            throw file.Broken($"broken central directory (entry {index + 1} has no header signature)");
        }
        var flags = BinaryPrimitives.ReadUInt16LittleEndian(header[8..]);
        var method = BinaryPrimitives.ReadUInt16LittleEndian(header[10..]);
        var crc = BinaryPrimitives.ReadUInt32LittleEndian(header[16..]);
        long compressed = BinaryPrimitives.ReadUInt32LittleEndian(header[20..]);
        long uncompressed = BinaryPrimitives.ReadUInt32LittleEndian(header[24..]);
        int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(header[28..]);
        int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(header[30..]);
        int commentLength = BinaryPrimitives.ReadUInt16LittleEndian(header[32..]);
        var diskStart = BinaryPrimitives.ReadUInt16LittleEndian(header[34..]);
        long localOffset = BinaryPrimitives.ReadUInt32LittleEndian(header[42..]);

        var length = FixedLength + nameLength + extraLength + commentLength;
        if (length > directoryEnd - offset)
        {
            throw file.Broken($"broken central directory (entry {index + 1} runs past its end)");
        }
        var variable = file.Read(offset + FixedLength, nameLength + extraLength, "a central directory header");
        var rawName = variable[..nameLength];
        var name = (flags & Utf8NameFlag) != 0 ? Encoding.UTF8.GetString(rawName) : Encoding.Latin1.GetString(rawName);

        var zip64 = false;
        if (compressed == uint.MaxValue || uncompressed == uint.MaxValue || localOffset == uint.MaxValue || diskStart == ushort.MaxValue)
        {
            zip64 = true;
            (uncompressed, compressed, localOffset, diskStart) = ReadZip64Fields(file, name, variable.AsSpan(nameLength), uncompressed, compressed, localOffset, diskStart);
        }
        if (diskStart != 0)
        {
            throw file.Broken("multi-disk (split) zip archives are not supported");
        }
        return new ZipCentralDirectoryRecord(index, offset, length, flags, method, crc, compressed, uncompressed, localOffset, rawName, name, zip64);
    }

    /// <summary>
    /// The zip64 extended information field holds, in this order, only those values whose
    /// 32-bit (or 16-bit) fields are saturated (APPNOTE 4.5.3).
    /// </summary>
    private static (long Uncompressed, long Compressed, long LocalOffset, ushort DiskStart) ReadZip64Fields(
        ZipFileView file, string name, ReadOnlySpan<byte> extra, long uncompressed, long compressed, long localOffset, ushort diskStart)
    {
        while (extra.Length >= 4)
        {
            var id = BinaryPrimitives.ReadUInt16LittleEndian(extra);
            var size = BinaryPrimitives.ReadUInt16LittleEndian(extra[2..]);
            if (size > extra.Length - 4)
            {
                break;
            }
            var data = extra.Slice(4, size);
            if (id == Zip64ExtraFieldId)
            {
                uncompressed = uncompressed == uint.MaxValue ? Take64(ref data) : uncompressed;
                compressed = compressed == uint.MaxValue ? Take64(ref data) : compressed;
                localOffset = localOffset == uint.MaxValue ? Take64(ref data) : localOffset;
                if (diskStart == ushort.MaxValue)
                {
                    if (data.Length < 4) throw Bad();
                    diskStart = (ushort)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(data), ushort.MaxValue);
                }
                return (uncompressed, compressed, localOffset, diskStart);
            }
            extra = extra[(4 + size)..];
        }
        throw Bad();

        long Take64(ref ReadOnlySpan<byte> span)
        {
            if (span.Length < 8) throw Bad();
            var value = BinaryPrimitives.ReadUInt64LittleEndian(span);
            span = span[8..];
            if (value > long.MaxValue) throw Bad();
            return (long)value;
        }

        SigningException Bad() => file.Broken($"broken central directory (entry '{name}' has a missing or short zip64 field)");
    }
}
