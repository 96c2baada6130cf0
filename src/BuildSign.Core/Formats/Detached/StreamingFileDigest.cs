using System.Buffers;

namespace BuildSign.Core.Formats.Detached;

/// <summary>Hashes a whole file as a stream, so a file of any size costs one pooled buffer.</summary>
internal static class StreamingFileDigest
{
    // Large reads keep the hash fed at disk speed; pooled so parallel files do not churn the GC.
    private const int BufferSize = 1 << 20;

    public static async Task<byte[]> ComputeAsync(string path, DigestAlgorithm algorithm, CancellationToken cancellationToken)
    {
        // bufferSize 1 turns off FileStream's own buffer: our buffer is already large.
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        using var hash = algorithm.CreateHash();
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return hash.GetHashAndReset();
    }
}
