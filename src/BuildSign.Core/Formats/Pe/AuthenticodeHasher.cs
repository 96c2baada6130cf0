using System.Buffers;

namespace BuildSign.Core.Formats.Pe;

/// <summary>
/// Computes the Authenticode image digest of a PE file as a stream: the whole file except the
/// CheckSum field, the certificate-table directory entry and the certificate table, plus the
/// zero padding an unsigned file gets before a table is appended.
/// </summary>
public static class AuthenticodeHasher
{
    private const int BufferSize = 1 << 20;

    /// <summary>Hashes the image described by <paramref name="layout"/> from <paramref name="stream"/>.</summary>
    /// <exception cref="SigningException">The file is shorter than its layout says (it changed while being read).</exception>
    public static async Task<byte[]> ComputeAsync(Stream stream, PeLayout layout, DigestAlgorithm algorithm, string path, CancellationToken cancellationToken)
    {
        if (stream.Length != layout.FileLength) throw new SigningException(path, "file changed while being read");
        using var hash = algorithm.CreateHash();
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            foreach (var (offset, length) in layout.DigestRanges())
            {
                stream.Position = offset;
                var remaining = length;
                while (remaining > 0)
                {
                    var chunk = (int)Math.Min(remaining, BufferSize);
                    var read = await stream.ReadAtLeastAsync(buffer.AsMemory(0, chunk), chunk, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                    if (read < chunk) throw new SigningException(path, "file changed while being read");
                    hash.AppendData(buffer, 0, chunk);
                    remaining -= chunk;
                }
            }
            var padding = layout.DigestPaddingLength;
            if (padding > 0)
            {
                Span<byte> zeros = stackalloc byte[8];
                zeros.Clear();
                hash.AppendData(zeros[..padding]);
            }
            return hash.GetHashAndReset();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Opens, parses and hashes the file at <paramref name="path"/>.</summary>
    public static async Task<byte[]> ComputeAsync(string path, DigestAlgorithm algorithm, CancellationToken cancellationToken)
    {
        await using var stream = PeImage.OpenRead(path);
        var layout = PeImage.Read(stream, path);
        return await ComputeAsync(stream, layout, algorithm, path, cancellationToken).ConfigureAwait(false);
    }
}
