namespace BuildSign.Core.Formats.Zip;

/// <summary>The four-byte signatures that open each ZIP record (APPNOTE.TXT 4.3), as little-endian values.</summary>
public static class ZipRecordSignatures
{
    /// <summary>Local file header, "PK\x03\x04".</summary>
    public const uint LocalFileHeader = 0x04034B50;
    /// <summary>Central directory file header, "PK\x01\x02".</summary>
    public const uint CentralDirectoryHeader = 0x02014B50;
    /// <summary>End of central directory record, "PK\x05\x06".</summary>
    public const uint EndOfCentralDirectory = 0x06054B50;
    /// <summary>Zip64 end of central directory record, "PK\x06\x06".</summary>
    public const uint Zip64EndOfCentralDirectory = 0x06064B50;
    /// <summary>Zip64 end of central directory locator, "PK\x06\x07".</summary>
    public const uint Zip64EndOfCentralDirectoryLocator = 0x07064B50;
    /// <summary>Optional data descriptor signature, "PK\x07\x08".</summary>
    public const uint DataDescriptor = 0x08074B50;

    /// <summary>The bytes a ZIP file starts with when its first record is a local file header.</summary>
    public static ReadOnlySpan<byte> LocalFileHeaderBytes => "PK\x03\x04"u8;
}
