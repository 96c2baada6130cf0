namespace BuildSign.Core.Formats.Zip;

/// <summary>
/// One entry of a ZIP archive as its central directory and local header describe it, with every
/// offset checked against the file. Sizes and offsets are the resolved (zip64-aware) values.
/// </summary>
public sealed record ZipEntry
{
    /// <summary>The entry name (UTF-8 when flag bit 11 is set, otherwise read as Latin-1).</summary>
    public required string Name { get; init; }

    /// <summary>The name exactly as stored.</summary>
    public required ReadOnlyMemory<byte> RawName { get; init; }

    /// <summary>Position in the central directory, from 0.</summary>
    public required int Index { get; init; }

    /// <summary>The general-purpose bit flags.</summary>
    public required ushort Flags { get; init; }

    /// <summary>The compression method (0 stored, 8 deflate, ...).</summary>
    public required ushort CompressionMethod { get; init; }

    /// <summary>The CRC-32 of the uncompressed data, from the central directory.</summary>
    public required uint Crc32 { get; init; }

    /// <summary>The size of the stored (compressed) data.</summary>
    public required long CompressedSize { get; init; }

    /// <summary>The declared uncompressed size.</summary>
    public required long UncompressedSize { get; init; }

    /// <summary>Where the entry's central directory header starts.</summary>
    public required long CentralHeaderOffset { get; init; }

    /// <summary>The central directory header's length: 46 bytes plus name, extra field and comment.</summary>
    public required int CentralHeaderLength { get; init; }

    /// <summary>Where the entry's local file header starts.</summary>
    public required long LocalHeaderOffset { get; init; }

    /// <summary>Where the entry's data starts (after the local header, name and extra field).</summary>
    public required long DataOffset { get; init; }

    /// <summary>Where the entry's local record ends: after its data and data descriptor, if any.</summary>
    public required long LocalEntryEnd { get; init; }

    /// <summary>True when the central directory header carries a zip64 extended-information field.</summary>
    public required bool HasZip64Fields { get; init; }

    /// <summary>The whole local record's length: header, name, extra field, data and descriptor.</summary>
    public long LocalEntryLength => LocalEntryEnd - LocalHeaderOffset;

    /// <summary>True when the data is stored without compression.</summary>
    public bool IsStored => CompressionMethod == 0;

    /// <summary>True when sizes and CRC follow the data in a data descriptor (flag bit 3).</summary>
    public bool HasDataDescriptor => (Flags & 0x0008) != 0;

    /// <summary>True for directory entries (names ending in a slash).</summary>
    public bool IsDirectory => Name.EndsWith('/');
}
