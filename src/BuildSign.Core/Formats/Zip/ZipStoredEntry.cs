using System.Buffers.Binary;
using System.Text;

namespace BuildSign.Core.Formats.Zip;

/// <summary>
/// A small entry written uncompressed (method 0, no data descriptor, no extra field). Its
/// modification time is given, or fixed (1980-01-01) so that writing it is deterministic. Used to
/// add signature files.
/// </summary>
public sealed class ZipStoredEntry
{
    private const int LocalHeaderFixedLength = 30;
    private const ushort Version20 = 20;
    // 1980-01-01 00:00:00, the MS-DOS epoch: a fixed time keeps signed outputs reproducible.
    private const ushort EpochDosDate = (0 << 9) | (1 << 5) | 1;

    private readonly ushort _dosDate = EpochDosDate;
    private readonly ushort _dosTime;

    private const ushort Utf8NameFlag = 0x0800;

    private readonly byte[] _name;
    private readonly ushort _flags;
    private readonly ReadOnlyMemory<byte> _data;
    private readonly uint _crc;

    /// <summary>
    /// Creates an entry; the name must be safe (<see cref="ZipEntryNameRules"/>) and at most 65535 bytes
    /// of UTF-8, the data under 4 GiB. A name beyond ASCII is written as UTF-8 with the language
    /// encoding flag (APPNOTE 4.4.4 bit 11), as every current reader expects.
    /// </summary>
    /// <param name="name">The entry name.</param>
    /// <param name="data">The entry's bytes.</param>
    /// <param name="modified">The modification time to record (MS-DOS form: local fields, 2-second steps, 1980–2107); the 1980 epoch when null.</param>
    public ZipStoredEntry(string name, ReadOnlyMemory<byte> data, DateTime? modified = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (modified is { Year: >= 1980 and <= 2107 } time)
        {
            _dosDate = (ushort)(((time.Year - 1980) << 9) | (time.Month << 5) | time.Day);
            _dosTime = (ushort)((time.Hour << 11) | (time.Minute << 5) | (time.Second / 2));
        }
        if (ZipEntryNameRules.FindProblem(name) is { } problem)
        {
            throw new ArgumentException(problem, nameof(name));
        }
        _name = Encoding.UTF8.GetBytes(name);
        if (_name.Length > ushort.MaxValue)
        {
            throw new ArgumentException("an entry name longer than 65535 bytes", nameof(name));
        }
        _flags = Ascii.IsValid(name) ? (ushort)0 : Utf8NameFlag;
        _data = data;
        _crc = Crc32.Compute(data.Span);
    }

    /// <summary>The length of the local record: header, name and data.</summary>
    public long LocalRecordLength => LocalHeaderFixedLength + _name.Length + _data.Length;

    /// <summary>The length of the central directory header.</summary>
    public int CentralHeaderLength => ZipCentralDirectoryRecord.FixedLength + _name.Length;

    /// <summary>Writes the local header, name and data.</summary>
    public async ValueTask WriteLocalRecordAsync(Stream output, CancellationToken cancellationToken)
    {
        var header = new byte[LocalHeaderFixedLength + _name.Length];
        var span = header.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, ZipRecordSignatures.LocalFileHeader);
        BinaryPrimitives.WriteUInt16LittleEndian(span[4..], Version20);
        BinaryPrimitives.WriteUInt16LittleEndian(span[6..], _flags);
        BinaryPrimitives.WriteUInt16LittleEndian(span[8..], 0); // stored
        BinaryPrimitives.WriteUInt16LittleEndian(span[10..], _dosTime);
        BinaryPrimitives.WriteUInt16LittleEndian(span[12..], _dosDate);
        BinaryPrimitives.WriteUInt32LittleEndian(span[14..], _crc);
        BinaryPrimitives.WriteUInt32LittleEndian(span[18..], (uint)_data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(span[22..], (uint)_data.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(span[26..], (ushort)_name.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(span[28..], 0); // extra field length
        _name.CopyTo(span[LocalHeaderFixedLength..]);
        await output.WriteAsync(header, cancellationToken).ConfigureAwait(false);
        await output.WriteAsync(_data, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes the central directory header for a local record at <paramref name="localHeaderOffset"/>.</summary>
    public async ValueTask WriteCentralHeaderAsync(Stream output, long localHeaderOffset, CancellationToken cancellationToken)
    {
        if (localHeaderOffset is < 0 or >= uint.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(localHeaderOffset), "a stored entry beyond 4 GiB needs zip64, which is not written");
        }
        var header = new byte[CentralHeaderLength];
        var span = header.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, ZipRecordSignatures.CentralDirectoryHeader);
        BinaryPrimitives.WriteUInt16LittleEndian(span[4..], Version20); // made by: MS-DOS, 2.0
        BinaryPrimitives.WriteUInt16LittleEndian(span[6..], Version20);
        BinaryPrimitives.WriteUInt16LittleEndian(span[8..], _flags);
        BinaryPrimitives.WriteUInt16LittleEndian(span[10..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(span[12..], _dosTime);
        BinaryPrimitives.WriteUInt16LittleEndian(span[14..], _dosDate);
        BinaryPrimitives.WriteUInt32LittleEndian(span[16..], _crc);
        BinaryPrimitives.WriteUInt32LittleEndian(span[20..], (uint)_data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(span[24..], (uint)_data.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(span[28..], (ushort)_name.Length);
        // extra length, comment length, disk start, internal and external attributes stay zero
        BinaryPrimitives.WriteUInt32LittleEndian(span[42..], (uint)localHeaderOffset);
        _name.CopyTo(span[ZipCentralDirectoryRecord.FixedLength..]);
        await output.WriteAsync(header, cancellationToken).ConfigureAwait(false);
    }
}
