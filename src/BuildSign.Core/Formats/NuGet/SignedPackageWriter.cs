using System.Buffers.Binary;
using BuildSign.Core.Formats.Zip;

namespace BuildSign.Core.Formats.NuGet;

/// <summary>
/// Writes a package with a new signature entry: every other local record and central directory
/// header copied byte for byte (only local-header offsets are rewritten), an old signature entry
/// dropped, and the signature added as the last local record and the last directory header, as
/// NuGet places it. Nothing is recompressed and nothing is held in memory but headers.
/// </summary>
internal static class SignedPackageWriter
{
    private const int EndRecordLength = 22;
    private const int LocalOffsetField = 42;

    public static async ValueTask WriteAsync(string sourcePath, string outputPath, ZipArchiveLayout layout, ZipEntry? dropped, ZipStoredEntry signature, CancellationToken cancellationToken)
    {
        var kept = layout.Entries.Where(e => e != dropped).ToList();
        if (kept.Count > NuGetSignatureEntry.MaxEntriesBeforeSigning)
        {
            throw new SigningException(sourcePath, $"too many entries to add a signature ({kept.Count}, NuGet allows {NuGetSignatureEntry.MaxEntriesBeforeSigning} before signing)");
        }
        await using var source = new FileStream(sourcePath, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using var output = new FileStream(outputPath, FileMode.Create, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous);

        await StreamRange.CopyAsync(source, 0, layout.LocalEntriesStart, output, cancellationToken).ConfigureAwait(false);
        var newOffsets = new Dictionary<ZipEntry, long>(ReferenceEqualityComparer.Instance);
        foreach (var entry in kept.OrderBy(e => e.LocalHeaderOffset))
        {
            newOffsets[entry] = output.Position;
            await StreamRange.CopyAsync(source, entry.LocalHeaderOffset, entry.LocalEntryLength, output, cancellationToken).ConfigureAwait(false);
        }
        var signatureOffset = output.Position;
        await signature.WriteLocalRecordAsync(output, cancellationToken).ConfigureAwait(false);

        var directoryStart = output.Position;
        foreach (var entry in kept)
        {
            var header = new byte[entry.CentralHeaderLength];
            source.Position = entry.CentralHeaderOffset;
            await source.ReadExactlyAsync(header, cancellationToken).ConfigureAwait(false);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(LocalOffsetField), checked((uint)newOffsets[entry]));
            await output.WriteAsync(header, cancellationToken).ConfigureAwait(false);
        }
        await signature.WriteCentralHeaderAsync(output, signatureOffset, cancellationToken).ConfigureAwait(false);
        var directorySize = output.Position - directoryStart;
        if (output.Position > uint.MaxValue)
        {
            throw new SigningException(sourcePath, "the signed package would need zip64, which NuGet does not support for signed packages");
        }

        var end = new byte[EndRecordLength];
        source.Position = layout.EndOfCentralDirectoryOffset;
        await source.ReadExactlyAsync(end, cancellationToken).ConfigureAwait(false);
        var count = (ushort)(kept.Count + 1);
        BinaryPrimitives.WriteUInt16LittleEndian(end.AsSpan(8), count);
        BinaryPrimitives.WriteUInt16LittleEndian(end.AsSpan(10), count);
        BinaryPrimitives.WriteUInt32LittleEndian(end.AsSpan(12), (uint)directorySize);
        BinaryPrimitives.WriteUInt32LittleEndian(end.AsSpan(16), (uint)directoryStart);
        await output.WriteAsync(end, cancellationToken).ConfigureAwait(false);
        await StreamRange.CopyAsync(source, layout.EndOfCentralDirectoryOffset + EndRecordLength, layout.CommentLength, output, cancellationToken).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
