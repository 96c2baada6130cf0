namespace BuildSign.Core.Formats.Zip;

/// <summary>
/// The CRC-32 of ZIP (IEEE 802.3, reflected polynomial 0xEDB88320). Written here because the
/// BCL exposes no public CRC-32 and one small table is cheaper than a package dependency.
/// </summary>
public sealed class Crc32
{
    private static readonly uint[] Table = BuildTable();
    private uint _state = 0xFFFFFFFFu;

    /// <summary>The CRC of everything appended so far.</summary>
    public uint Value => ~_state;

    /// <summary>Adds bytes to the running CRC.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        var state = _state;
        foreach (var b in data)
        {
            state = (state >> 8) ^ Table[(state ^ b) & 0xFF];
        }
        _state = state;
    }

    /// <summary>The CRC of one buffer.</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var crc = new Crc32();
        crc.Append(data);
        return crc.Value;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < table.Length; i++)
        {
            var c = i;
            for (var bit = 0; bit < 8; bit++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }
            table[i] = c;
        }
        return table;
    }
}
