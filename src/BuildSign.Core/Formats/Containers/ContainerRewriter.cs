using System.Buffers.Binary;
using System.IO.Compression;
using BuildSign.Core.Formats.Zip;

namespace BuildSign.Core.Formats.Containers;

/// <summary>
/// Writes a ZIP archive anew with some entries' contents replaced. Entries keep their order,
/// names, timestamps, extra fields, comments and attributes; unchanged entries are copied byte for
/// byte (their compressed data is never recompressed); replaced entries are compressed again with
/// their own method (stored or deflate) and get a new CRC and sizes. The central directory and end
/// record are rebuilt with the new offsets. Streams throughout; only headers are held in memory.
/// The one zip writer of the project: containers with signed inner files, and packages with their
/// signature entry, are both written here.
/// </summary>
internal static class ContainerRewriter
{
    private const int LocalHeaderLength = 30;
    private const int EndRecordLength = 22;
    private const ushort DataDescriptorFlag = 0x0008;
    private const ushort Zip64ExtraFieldId = 0x0001;
    private const int BufferSize = 81920;

    /// <summary>
    /// Writes <paramref name="outputPath"/> from the archive at <paramref name="sourcePath"/> (whose
    /// validated layout is <paramref name="layout"/>); <paramref name="containerPath"/> names it in errors.
    /// </summary>
    public static async Task WriteAsync(string sourcePath, string containerPath, ZipArchiveLayout layout, ContainerChanges changes, string outputPath, CancellationToken cancellationToken)
    {
        // Offsets and sizes beyond 4 GiB would need zip64 records rewritten too; such archives are rare and refused.
        if (layout.IsZip64 || layout.Entries.Any(e => e.HasZip64Fields))
        {
            throw new SigningException(containerPath, "zip64 archives cannot be rewritten to hold signed files");
        }
        await using var source = new FileStream(sourcePath, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.Asynchronous | FileOptions.RandomAccess);
        await using var output = new FileStream(outputPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, BufferSize, FileOptions.Asynchronous);

        await StreamRange.CopyAsync(source, 0, layout.LocalEntriesStart, output, cancellationToken).ConfigureAwait(false);
        var kept = layout.Entries.Where(e => e.Name != changes.DroppedEntry).ToList();
        var offsets = new Dictionary<ZipEntry, long>(ReferenceEqualityComparer.Instance);
        var written = new Dictionary<ZipEntry, WrittenData>(ReferenceEqualityComparer.Instance);
        foreach (var entry in kept.OrderBy(e => e.LocalHeaderOffset))
        {
            offsets[entry] = output.Position;
            if (changes.Replacements.TryGetValue(entry.Name, out var file))
            {
                written[entry] = await WriteReplacedAsync(source, containerPath, entry, file, output, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await StreamRange.CopyAsync(source, entry.LocalHeaderOffset, entry.LocalEntryLength, output, cancellationToken).ConfigureAwait(false);
            }
        }
        var added = new List<(ZipStoredEntry Entry, long Offset)>();
        foreach (var entry in changes.Additions)
        {
            added.Add((entry, output.Position));
            await entry.WriteLocalRecordAsync(output, cancellationToken).ConfigureAwait(false);
        }

        var directoryStart = output.Position;
        foreach (var entry in kept)
        {
            var header = new byte[entry.CentralHeaderLength];
            source.Position = entry.CentralHeaderOffset;
            await source.ReadExactlyAsync(header, cancellationToken).ConfigureAwait(false);
            var span = header.AsSpan();
            if (written.TryGetValue(entry, out var data))
            {
                BinaryPrimitives.WriteUInt16LittleEndian(span[8..], (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(span[8..]) & ~DataDescriptorFlag));
                BinaryPrimitives.WriteUInt32LittleEndian(span[16..], data.Crc);
                BinaryPrimitives.WriteUInt32LittleEndian(span[20..], data.CompressedSize);
                BinaryPrimitives.WriteUInt32LittleEndian(span[24..], data.UncompressedSize);
            }
            BinaryPrimitives.WriteUInt32LittleEndian(span[42..], ToUInt32(offsets[entry], containerPath));
            await output.WriteAsync(header, cancellationToken).ConfigureAwait(false);
        }
        foreach (var (entry, offset) in added)
        {
            await entry.WriteCentralHeaderAsync(output, offset, cancellationToken).ConfigureAwait(false);
        }
        var directorySize = output.Position - directoryStart;

        var end = new byte[EndRecordLength];
        source.Position = layout.EndOfCentralDirectoryOffset;
        await source.ReadExactlyAsync(end, cancellationToken).ConfigureAwait(false);
        var count = kept.Count + added.Count;
        if (count > ushort.MaxValue)
        {
            throw new SigningException(containerPath, "the rewritten archive would hold too many entries for a zip without zip64");
        }
        BinaryPrimitives.WriteUInt16LittleEndian(end.AsSpan(8), (ushort)count);
        BinaryPrimitives.WriteUInt16LittleEndian(end.AsSpan(10), (ushort)count);
        BinaryPrimitives.WriteUInt32LittleEndian(end.AsSpan(12), ToUInt32(directorySize, containerPath));
        BinaryPrimitives.WriteUInt32LittleEndian(end.AsSpan(16), ToUInt32(directoryStart, containerPath));
        await output.WriteAsync(end, cancellationToken).ConfigureAwait(false);
        await StreamRange.CopyAsync(source, layout.EndOfCentralDirectoryOffset + EndRecordLength, layout.CommentLength, output, cancellationToken).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes the entry's own local header (time, flags, name, extra field kept) followed by the new
    /// contents compressed with the entry's method, then fills in the CRC and sizes. The sizes go in
    /// the header, so the data-descriptor flag is cleared and any zip64 field (now stale) is left out.
    /// </summary>
    private static async Task<WrittenData> WriteReplacedAsync(Stream source, string containerPath, ZipEntry entry, string file, Stream output, CancellationToken cancellationToken)
    {
        var fixedPart = new byte[LocalHeaderLength];
        source.Position = entry.LocalHeaderOffset;
        await source.ReadExactlyAsync(fixedPart, cancellationToken).ConfigureAwait(false);
        int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(fixedPart.AsSpan(26));
        int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(fixedPart.AsSpan(28));
        var variable = new byte[nameLength + extraLength];
        await source.ReadExactlyAsync(variable, cancellationToken).ConfigureAwait(false);
        var extra = WithoutZip64Field(variable.AsSpan(nameLength));

        var headerStart = output.Position;
        var flags = BinaryPrimitives.ReadUInt16LittleEndian(fixedPart.AsSpan(6));
        BinaryPrimitives.WriteUInt16LittleEndian(fixedPart.AsSpan(6), (ushort)(flags & ~DataDescriptorFlag));
        BinaryPrimitives.WriteUInt16LittleEndian(fixedPart.AsSpan(28), (ushort)extra.Length);
        await output.WriteAsync(fixedPart, cancellationToken).ConfigureAwait(false);
        await output.WriteAsync(variable.AsMemory(0, nameLength), cancellationToken).ConfigureAwait(false);
        await output.WriteAsync(extra, cancellationToken).ConfigureAwait(false);

        var dataStart = output.Position;
        var crc = new Crc32();
        long uncompressed = 0;
        await using (var input = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan))
        {
            var target = entry.IsStored ? output : new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true);
            try
            {
                var buffer = new byte[BufferSize];
                int read;
                while ((read = await input.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    crc.Append(buffer.AsSpan(0, read));
                    uncompressed += read;
                    await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                if (target != output)
                {
                    await target.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
        var dataEnd = output.Position;
        var data = new WrittenData(crc.Value, ToUInt32(dataEnd - dataStart, containerPath), ToUInt32(uncompressed, containerPath));

        var sizes = new byte[12];
        BinaryPrimitives.WriteUInt32LittleEndian(sizes, data.Crc);
        BinaryPrimitives.WriteUInt32LittleEndian(sizes.AsSpan(4), data.CompressedSize);
        BinaryPrimitives.WriteUInt32LittleEndian(sizes.AsSpan(8), data.UncompressedSize);
        output.Position = headerStart + 14;
        await output.WriteAsync(sizes, cancellationToken).ConfigureAwait(false);
        output.Position = dataEnd;
        return data;
    }

    private static byte[] WithoutZip64Field(ReadOnlySpan<byte> extra)
    {
        var kept = new List<byte>(extra.Length);
        while (extra.Length >= 4)
        {
            var id = BinaryPrimitives.ReadUInt16LittleEndian(extra);
            var size = BinaryPrimitives.ReadUInt16LittleEndian(extra[2..]);
            var length = Math.Min(4 + size, extra.Length);
            if (id != Zip64ExtraFieldId)
            {
                kept.AddRange(extra[..length]);
            }
            extra = extra[length..];
        }
        kept.AddRange(extra);
        return [.. kept];
    }

    private static uint ToUInt32(long value, string containerPath) =>
        value is >= 0 and < uint.MaxValue ? (uint)value : throw new SigningException(containerPath, "the rewritten archive would need zip64, which is not written");

    private readonly record struct WrittenData(uint Crc, uint CompressedSize, uint UncompressedSize);
}
