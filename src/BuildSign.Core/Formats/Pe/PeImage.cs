using System.Buffers.Binary;
using System.Text;

namespace BuildSign.Core.Formats.Pe;

/// <summary>
/// Reads and validates the headers of a PE file (DOS header, PE signature, COFF header, optional
/// header, data directory, section table) with explicit bounds checks, reading only the headers.
/// </summary>
public static class PeImage
{
    private const int DosHeaderSize = 64;
    private const int ElfanewOffset = 0x3C;
    private const int CoffHeaderSize = 20;
    private const int SectionHeaderSize = 40;
    private const ushort Pe32Magic = 0x10B;
    private const ushort Pe32PlusMagic = 0x20B;
    private const int CertificateDirectoryIndex = 4;

    /// <summary>True when the bytes start like a PE file: "MZ", and "PE\0\0" where e_lfanew points (when it lies within the bytes; otherwise it must at least lie within the file of <paramref name="fileLength"/> bytes).</summary>
    public static bool LooksLikePe(ReadOnlySpan<byte> head, long fileLength)
    {
        if (head.Length < DosHeaderSize || head[0] != (byte)'M' || head[1] != (byte)'Z') return false;
        var peOffset = BinaryPrimitives.ReadUInt32LittleEndian(head[ElfanewOffset..]);
        // A header beyond the recognition window is left to InspectAsync to judge, as long as it lies
        // inside the file: text that happens to start with "MZ" points far past its own end.
        if (peOffset > (uint)(head.Length - 4)) return peOffset < int.MaxValue && peOffset + 4 <= fileLength;
        return head.Slice((int)peOffset, 4).SequenceEqual("PE\0\0"u8);
    }

    /// <summary>Reads the layout of the PE file in <paramref name="stream"/>; <paramref name="path"/> names it in errors.</summary>
    /// <exception cref="SigningException">The file is not a PE file, is truncated or is corrupt.</exception>
    public static PeLayout Read(Stream stream, string path)
    {
        var length = stream.Length;
        Span<byte> dos = stackalloc byte[DosHeaderSize];
        if (length < DosHeaderSize) throw Error(path, "not a PE file");
        ReadAt(stream, 0, dos);
        if (dos[0] != (byte)'M' || dos[1] != (byte)'Z') throw Error(path, "not a PE file");

        long peOffset = BinaryPrimitives.ReadUInt32LittleEndian(dos[ElfanewOffset..]);
        if (peOffset < 4 || peOffset + 4 + CoffHeaderSize > length)
        {
            throw Error(path, $"not a PE file: e_lfanew 0x{peOffset:X} points outside the file");
        }
        Span<byte> coff = stackalloc byte[4 + CoffHeaderSize];
        ReadAt(stream, peOffset, coff);
        if (!coff[..4].SequenceEqual("PE\0\0"u8)) throw Error(path, "not a PE file: no PE signature at e_lfanew");
        int numberOfSections = BinaryPrimitives.ReadUInt16LittleEndian(coff[(4 + 2)..]);
        int sizeOfOptionalHeader = BinaryPrimitives.ReadUInt16LittleEndian(coff[(4 + 16)..]);

        var optionalHeaderOffset = peOffset + 4 + CoffHeaderSize;
        var sectionTableOffset = optionalHeaderOffset + sizeOfOptionalHeader;
        var headersEnd = sectionTableOffset + (long)numberOfSections * SectionHeaderSize;
        if (headersEnd > length) throw Error(path, "truncated: PE headers end past end of file");

        var optional = new byte[sizeOfOptionalHeader];
        ReadAt(stream, optionalHeaderOffset, optional);
        if (optional.Length < 2) throw Error(path, "corrupt PE: optional header is missing");
        var magic = BinaryPrimitives.ReadUInt16LittleEndian(optional);
        var isPe32Plus = magic switch
        {
            Pe32Magic => false,
            Pe32PlusMagic => true,
            _ => throw Error(path, $"corrupt PE: unknown optional header magic 0x{magic:X}"),
        };
        // Offsets inside the optional header (PE/COFF specification, "Optional Header").
        var rvaCountOffset = isPe32Plus ? 108 : 92;
        var dataDirectoryOffset = rvaCountOffset + 4;
        var certificateEntryOffset = dataDirectoryOffset + CertificateDirectoryIndex * 8;
        if (optional.Length < certificateEntryOffset + 8)
        {
            throw Error(path, "corrupt PE: optional header too small to hold a certificate table entry");
        }
        var rvaCount = BinaryPrimitives.ReadUInt32LittleEndian(optional.AsSpan(rvaCountOffset));
        if (rvaCount <= CertificateDirectoryIndex)
        {
            throw Error(path, "corrupt PE: data directory has no certificate table entry");
        }
        long sizeOfHeaders = BinaryPrimitives.ReadUInt32LittleEndian(optional.AsSpan(60));
        var storedCheckSum = BinaryPrimitives.ReadUInt32LittleEndian(optional.AsSpan(64));
        if (sizeOfHeaders > length) throw Error(path, "truncated: PE headers end past end of file");
        if (headersEnd > sizeOfHeaders) throw Error(path, "corrupt PE: section table ends past SizeOfHeaders");

        var sections = ReadSections(stream, path, sectionTableOffset, numberOfSections, length);

        long tableOffset = BinaryPrimitives.ReadUInt32LittleEndian(optional.AsSpan(certificateEntryOffset));
        long tableSize = BinaryPrimitives.ReadUInt32LittleEndian(optional.AsSpan(certificateEntryOffset + 4));
        CertificateTableLocation? table = null;
        if (tableOffset != 0 || tableSize != 0)
        {
            if (tableSize == 0 || tableOffset == 0 || tableOffset + tableSize > length)
            {
                throw Error(path, "certificate table points outside the file");
            }
            if (tableOffset < sizeOfHeaders) throw Error(path, "corrupt PE: certificate table overlaps the PE headers");
            foreach (var section in sections)
            {
                if (section.SizeOfRawData > 0 && section.PointerToRawData < tableOffset + tableSize && tableOffset < section.RawDataEnd)
                {
                    throw Error(path, $"corrupt PE: certificate table overlaps section {section.Name}");
                }
            }
            table = new CertificateTableLocation(tableOffset, tableSize);
        }

        return new PeLayout
        {
            FileLength = length,
            IsPe32Plus = isPe32Plus,
            CheckSumOffset = optionalHeaderOffset + 64,
            CertificateEntryOffset = optionalHeaderOffset + certificateEntryOffset,
            StoredCheckSum = storedCheckSum,
            SizeOfHeaders = sizeOfHeaders,
            Sections = sections,
            CertificateTable = table,
        };
    }

    /// <summary>Opens <paramref name="path"/> and reads its layout.</summary>
    /// <exception cref="SigningException">The file cannot be read or is not a valid PE file.</exception>
    public static PeLayout Read(string path)
    {
        using var stream = OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>Opens a file for sequential reading, turning I/O failures into a <see cref="SigningException"/>.</summary>
    internal static FileStream OpenRead(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan | FileOptions.Asynchronous);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SigningException(path, $"cannot read: {e.Message}", e);
        }
    }

    private static List<PeSection> ReadSections(Stream stream, string path, long offset, int count, long length)
    {
        var table = new byte[count * SectionHeaderSize];
        ReadAt(stream, offset, table);
        var sections = new List<PeSection>(count);
        for (var i = 0; i < count; i++)
        {
            var entry = table.AsSpan(i * SectionHeaderSize, SectionHeaderSize);
            var name = Encoding.ASCII.GetString(entry[..8]).TrimEnd('\0');
            long sizeOfRawData = BinaryPrimitives.ReadUInt32LittleEndian(entry[16..]);
            long pointerToRawData = BinaryPrimitives.ReadUInt32LittleEndian(entry[20..]);
            var section = new PeSection(name, pointerToRawData, sizeOfRawData);
            if (sizeOfRawData > 0 && section.RawDataEnd > length)
            {
                throw Error(path, $"truncated: section {Printable(name, i)} ends past end of file");
            }
            sections.Add(section);
        }
        return sections;
    }

    // Section names are untrusted bytes: show them only when they are plain ASCII.
    private static string Printable(string name, int index) =>
        name.Length > 0 && name.All(c => c is >= ' ' and < '\x7F') ? name : $"#{index + 1}";

    private static void ReadAt(Stream stream, long offset, Span<byte> buffer)
    {
        stream.Position = offset;
        stream.ReadExactly(buffer);
    }

    private static SigningException Error(string path, string reason) => new(path, reason);
}
