using System.Buffers;
using System.Security.Cryptography;

namespace BuildSign.Core.Formats.Zip;

/// <summary>Streams a byte range of a seekable source into a hash or another stream, in small buffers.</summary>
public static class StreamRange
{
    private const int BufferSize = 81920;

    /// <summary>Copies <paramref name="length"/> bytes from <paramref name="offset"/> of the source.</summary>
    public static ValueTask CopyAsync(Stream source, long offset, long length, Stream destination, CancellationToken cancellationToken) =>
        ForEachChunkAsync(source, offset, length, (chunk, ct) => destination.WriteAsync(chunk, ct), cancellationToken);

    /// <summary>Appends <paramref name="length"/> bytes from <paramref name="offset"/> of the source to a hash.</summary>
    public static ValueTask HashAsync(Stream source, long offset, long length, IncrementalHash hash, CancellationToken cancellationToken) =>
        ForEachChunkAsync(source, offset, length, (chunk, _) => { hash.AppendData(chunk.Span); return ValueTask.CompletedTask; }, cancellationToken);

    /// <summary>Reads the range chunk by chunk; a source shorter than the range is an error.</summary>
    public static async ValueTask ForEachChunkAsync(Stream source, long offset, long length, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> consume, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            source.Position = offset;
            while (length > 0)
            {
                var wanted = (int)Math.Min(buffer.Length, length);
                await source.ReadExactlyAsync(buffer.AsMemory(0, wanted), cancellationToken).ConfigureAwait(false);
                await consume(buffer.AsMemory(0, wanted), cancellationToken).ConfigureAwait(false);
                length -= wanted;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
