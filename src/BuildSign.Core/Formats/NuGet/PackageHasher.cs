using System.Buffers.Binary;
using BuildSign.Core.Formats.Zip;

namespace BuildSign.Core.Formats.NuGet;

/// <summary>
/// The package hash of NuGet's signing spec: the hash of the package as it would be without its
/// signature entry, computed by streaming the file as it is. In order: the bytes before the first
/// local record, every other local record in file order, every other central directory header
/// (with its local-header offset moved back by the signature record's length when it lies after
/// it), and the end of central directory record with the counts, directory size and offset
/// reduced by the signature's share, followed by the comment. An unsigned package hashes whole.
/// </summary>
public static class PackageHasher
{
    private const int EndRecordLength = 22;
    private const int LocalOffsetField = 42;

    /// <summary>Hashes the package in <paramref name="stream"/>, leaving out <paramref name="signature"/> when given.</summary>
    public static async ValueTask<byte[]> HashAsync(Stream stream, string path, ZipArchiveLayout layout, ZipEntry? signature, DigestAlgorithm algorithm, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (layout.IsZip64 || layout.Entries.Any(e => e.HasZip64Fields))
        {
            throw new SigningException(path, "zip64 packages cannot be signed (NuGet does not support signed zip64 packages)");
        }
        using var hash = algorithm.CreateHash();
        await StreamRange.HashAsync(stream, 0, layout.LocalEntriesStart, hash, cancellationToken).ConfigureAwait(false);

        foreach (var entry in layout.EntriesInFileOrder.Where(e => e != signature))
        {
            var scanner = new LocalHeaderSignatureScanner();
            await StreamRange.ForEachChunkAsync(stream, entry.LocalHeaderOffset, entry.LocalEntryLength, (chunk, _) =>
            {
                hash.AppendData(chunk.Span);
                scanner.Feed(chunk.Span);
                return ValueTask.CompletedTask;
            }, cancellationToken).ConfigureAwait(false);
            if (scanner.FoundAt is not null)
            {
                throw new SigningException(path, $"zip entry '{entry.Name}' holds the bytes of a zip header inside its data, which makes NuGet hash only part of it; repack the package to sign it");
            }
        }

        var removedLocal = signature?.LocalEntryLength ?? 0;
        var removedCentral = signature?.CentralHeaderLength ?? 0;
        foreach (var entry in layout.Entries.Where(e => e != signature))
        {
            var header = new byte[entry.CentralHeaderLength];
            stream.Position = entry.CentralHeaderOffset;
            await stream.ReadExactlyAsync(header, cancellationToken).ConfigureAwait(false);
            if (signature is not null && entry.LocalHeaderOffset > signature.LocalHeaderOffset)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(LocalOffsetField), checked((uint)(entry.LocalHeaderOffset - removedLocal)));
            }
            hash.AppendData(header);
        }

        var end = new byte[EndRecordLength];
        stream.Position = layout.EndOfCentralDirectoryOffset;
        await stream.ReadExactlyAsync(end, cancellationToken).ConfigureAwait(false);
        if (signature is not null)
        {
            AdjustEndRecord(end, entriesDelta: -1, directorySizeDelta: -removedCentral, directoryOffsetDelta: -removedLocal);
        }
        hash.AppendData(end);
        await StreamRange.HashAsync(stream, layout.EndOfCentralDirectoryOffset + EndRecordLength, layout.CommentLength, hash, cancellationToken).ConfigureAwait(false);
        return hash.GetHashAndReset();
    }

    /// <summary>Hashes a package file.</summary>
    public static async ValueTask<byte[]> HashFileAsync(string path, ZipArchiveLayout layout, ZipEntry? signature, DigestAlgorithm algorithm, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return await HashAsync(stream, path, layout, signature, algorithm, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Changes the entry counts, directory size and directory offset of a 22-byte end record in place.</summary>
    internal static void AdjustEndRecord(Span<byte> end, int entriesDelta, long directorySizeDelta, long directoryOffsetDelta)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(end[8..], checked((ushort)(BinaryPrimitives.ReadUInt16LittleEndian(end[8..]) + entriesDelta)));
        BinaryPrimitives.WriteUInt16LittleEndian(end[10..], checked((ushort)(BinaryPrimitives.ReadUInt16LittleEndian(end[10..]) + entriesDelta)));
        BinaryPrimitives.WriteUInt32LittleEndian(end[12..], checked((uint)(BinaryPrimitives.ReadUInt32LittleEndian(end[12..]) + directorySizeDelta)));
        BinaryPrimitives.WriteUInt32LittleEndian(end[16..], checked((uint)(BinaryPrimitives.ReadUInt32LittleEndian(end[16..]) + directoryOffsetDelta)));
    }
}
