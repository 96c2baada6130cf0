using System.Buffers.Binary;

namespace BuildSign.Fuzz.Tests;

/// <summary>
/// Seeded structure-blind mutations of a real file, of the kinds that break parsers: flipped bits,
/// boundary values written over length and offset fields, bytes inserted, deleted, duplicated or
/// spliced from elsewhere, and truncation. The same seed gives the same inputs.
/// </summary>
internal sealed class Mutator(int seed)
{
    private static readonly uint[] Interesting = [0, 1, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0xFFFFFFFF];
    private readonly Random _random = new(seed);

    /// <summary>One mutant of <paramref name="seed"/>: one to four mutations stacked.</summary>
    public byte[] Mutate(byte[] seed)
    {
        var data = new List<byte>(seed);
        var count = 1 + _random.Next(4);
        for (var i = 0; i < count && data.Count > 0; i++)
        {
            Apply(data);
        }
        return [.. data];
    }

    private void Apply(List<byte> data)
    {
        var at = _random.Next(data.Count);
        switch (_random.Next(9))
        {
            case 0:
                data[at] ^= (byte)(1 << _random.Next(8));
                break;
            case 1:
                data[at] = (byte)_random.Next(256);
                break;
            case 2:
                WriteInteresting(data, at, 2);
                break;
            case 3:
                WriteInteresting(data, at, 4);
                break;
            case 4:
                data.InsertRange(at, Enumerable.Range(0, 1 + _random.Next(16)).Select(_ => (byte)_random.Next(256)));
                break;
            case 5:
                data.RemoveRange(at, Math.Min(data.Count - at, 1 + _random.Next(64)));
                break;
            case 6:
                var length = Math.Min(data.Count - at, 1 + _random.Next(256));
                data.InsertRange(_random.Next(data.Count), data.GetRange(at, length));
                break;
            case 7:
                data.RemoveRange(at, data.Count - at);
                break;
            default:
                // A byte that is a DER length or tag in one place, written in another.
                data[at] = data[_random.Next(data.Count)];
                break;
        }
    }

    private void WriteInteresting(List<byte> data, int at, int width)
    {
        if (at + width > data.Count)
        {
            return;
        }
        Span<byte> bytes = stackalloc byte[4];
        var value = Interesting[_random.Next(Interesting.Length)];
        if (_random.Next(2) == 0) BinaryPrimitives.WriteUInt32LittleEndian(bytes, value); else BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        for (var i = 0; i < width; i++)
        {
            data[at + i] = bytes[_random.Next(2) == 0 ? i : 4 - width + i];
        }
    }
}
