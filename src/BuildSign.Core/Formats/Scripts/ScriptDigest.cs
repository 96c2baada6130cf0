using System.Runtime.InteropServices;
using System.Text;

namespace BuildSign.Core.Formats.Scripts;

/// <summary>
/// The Authenticode digest of a script: its text (byte order mark included, as U+FEFF) encoded
/// as UTF-16LE, whatever the file's own encoding, up to the signature block.
/// </summary>
internal static class ScriptDigest
{
    private const int ChunkChars = 1 << 16;

    public static byte[] Compute(ReadOnlySpan<char> content, DigestAlgorithm algorithm)
    {
        using var hash = algorithm.CreateHash();
        if (BitConverter.IsLittleEndian)
        {
            // .NET strings are UTF-16 in memory: on little-endian hosts their bytes are UTF-16LE already.
            hash.AppendData(MemoryMarshal.AsBytes(content));
        }
        else
        {
            for (var at = 0; at < content.Length; at += ChunkChars)
            {
                hash.AppendData(Encoding.Unicode.GetBytes(content.Slice(at, Math.Min(ChunkChars, content.Length - at)).ToArray()));
            }
        }
        return hash.GetHashAndReset();
    }
}
