using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

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
        // Little-endian 16-bit words, summed a vector at a time in 32-bit lanes, which are emptied
        // into the 64-bit total every 2^15 vectors so they never overflow (2 * 2^15 * (2^16 - 1) < 2^32).
        var words = MemoryMarshal.Cast<byte, ushort>(data[..(data.Length & ~1)]);
        ulong sum = 0;
        var i = 0;
        if (BitConverter.IsLittleEndian)
        {
            while (i + Vector<ushort>.Count <= words.Length)
            {
                var lanes = Vector<uint>.Zero;
                for (var n = 0; n < 1 << 15 && i + Vector<ushort>.Count <= words.Length; n++, i += Vector<ushort>.Count)
                {
                    Vector.Widen(new Vector<ushort>(words[i..]), out var low, out var high);
                    lanes += low + high;
                }
                for (var lane = 0; lane < Vector<uint>.Count; lane++)
                {
                    sum += lanes[lane];
                }
            }
        }
        for (; i < words.Length; i++)
        {
            sum += BinaryPrimitives.ReadUInt16LittleEndian(data[(2 * i)..]);
        }
        // A trailing odd byte is the low half of a last word (only possible at end of file).
        if ((data.Length & 1) != 0) sum += data[^1];
        return sum;
    }

    private static ulong Fold(ulong sum)
    {
        while (sum >> 16 != 0) sum = (sum & 0xFFFF) + (sum >> 16);
        return sum;
    }
}
