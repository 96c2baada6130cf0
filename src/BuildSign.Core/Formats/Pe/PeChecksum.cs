using System.Buffers;
using System.Buffers.Binary;

namespace BuildSign.Core.Formats.Pe;

/// <summary>
/// The PE optional header CheckSum: the sum of the file as little-endian 16-bit words, with
/// carries folded back in, the CheckSum field itself counted as zero, plus the file length.
/// </summary>
public static class PeChecksum
{
    // Even, so that 16-bit words never straddle two buffers.
    private const int BufferSize = 1 << 20;

    /// <summary>Computes the checksum of the whole stream, whose CheckSum field is at <paramref name="checkSumOffset"/>.</summary>
    public static async Task<uint> ComputeAsync(Stream stream, long checkSumOffset, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            stream.Position = 0;
            ulong sum = 0;
            long position = 0;
            while (true)
            {
                var read = await stream.ReadAtLeastAsync(buffer.AsMemory(0, BufferSize), BufferSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                if (read == 0) break;
                ZeroCheckSumField(buffer.AsSpan(0, read), position, checkSumOffset);
                sum += SumWords(buffer.AsSpan(0, read));
                position += read;
                if (read < BufferSize) break;
            }
            var folded = Fold(sum);
            return unchecked((uint)(folded + (ulong)position));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void ZeroCheckSumField(Span<byte> chunk, long chunkOffset, long checkSumOffset)
    {
        for (var i = 0; i < 4; i++)
        {
            var index = checkSumOffset + i - chunkOffset;
            if (index >= 0 && index < chunk.Length) chunk[(int)index] = 0;
        }
    }

    private static ulong SumWords(ReadOnlySpan<byte> data)
    {
        ulong sum = 0;
        var i = 0;
        for (; i + 1 < data.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16LittleEndian(data[i..]);
        }
        // A trailing odd byte is the low half of a last word (only possible at end of file).
        if (i < data.Length) sum += data[i];
        return sum;
    }

    private static ulong Fold(ulong sum)
    {
        while (sum >> 16 != 0) sum = (sum & 0xFFFF) + (sum >> 16);
        return sum;
    }
}
