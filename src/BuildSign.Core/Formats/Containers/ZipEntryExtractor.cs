using System.Buffers;
using System.IO.Compression;
using System.Security.Cryptography;
using BuildSign.Core.Formats.Zip;

namespace BuildSign.Core.Formats.Containers;

/// <summary>
/// Unpacks entries of an archive that <see cref="ZipArchiveReader"/> has validated, trusting none of
/// its numbers: output is cut off as soon as it exceeds the declared size (a zip bomb that lies
/// about its size), and the CRC and length are checked at the end. Errors name the container.
/// </summary>
internal static class ZipEntryExtractor
{
    private const ushort Stored = 0;
    private const ushort Deflated = 8;
    private const int BufferSize = 81920;

    /// <summary>True for the compression methods BuildSign can unpack and write again (stored, deflate).</summary>
    public static bool CanUnpack(ZipEntry entry) => entry.CompressionMethod is Stored or Deflated;

    /// <summary>The first bytes of an entry (at most <paramref name="count"/>), for recognising its format.</summary>
    public static async Task<byte[]> ReadHeadAsync(Stream archive, string containerPath, ZipEntry entry, int count, CancellationToken cancellationToken)
    {
        var wanted = (int)Math.Min(count, entry.UncompressedSize);
        var head = new byte[wanted];
        await Guard(containerPath, entry, async () =>
        {
            await using var data = Open(archive, entry);
            var read = await data.ReadAtLeastAsync(head, wanted, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (read < wanted)
            {
                throw new SigningException(containerPath, $"zip entry '{entry.Name}' is shorter than its declared size (corrupt)");
            }
        }).ConfigureAwait(false);
        return head;
    }

    /// <summary>Unpacks an entry to a new file and returns the SHA-256 of its contents.</summary>
    public static async Task<byte[]> ExtractAsync(Stream archive, string containerPath, ZipEntry entry, string outputPath, CancellationToken cancellationToken)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var crc = new Crc32();
        long total = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            await Guard(containerPath, entry, async () =>
            {
                await using var data = Open(archive, entry);
                await using var output = new FileStream(outputPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
                int read;
                while ((read = await data.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    total += read;
                    if (total > entry.UncompressedSize)
                    {
                        throw new SigningException(containerPath, $"zip entry '{entry.Name}' inflates to more than its declared {entry.UncompressedSize} bytes, a zip bomb");
                    }
                    crc.Append(buffer.AsSpan(0, read));
                    sha.AppendData(buffer.AsSpan(0, read));
                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        if (total != entry.UncompressedSize)
        {
            throw new SigningException(containerPath, $"zip entry '{entry.Name}' is shorter than its declared size (corrupt)");
        }
        if (crc.Value != entry.Crc32)
        {
            throw new SigningException(containerPath, $"zip entry '{entry.Name}' fails its CRC check (corrupt)");
        }
        return sha.GetHashAndReset();
    }

    private static Stream Open(Stream archive, ZipEntry entry)
    {
        var raw = new ZipEntryDataStream(archive, entry.DataOffset, entry.CompressedSize);
        return entry.CompressionMethod == Stored ? raw : new DeflateStream(raw, CompressionMode.Decompress);
    }

    // A decompressor reports broken data as InvalidDataException: make it the container's error.
    private static async Task Guard(string containerPath, ZipEntry entry, Func<Task> action)
    {
        try
        {
            await action().ConfigureAwait(false);
        }
        catch (InvalidDataException exception)
        {
            throw new SigningException(containerPath, $"zip entry '{entry.Name}' is corrupt ({exception.Message})", exception);
        }
    }
}
