using BuildSign.Core.Formats.Zip;

namespace BuildSign.Core.Formats.NuGet;

/// <summary>
/// Looks for the bytes "PK\x03\x04" inside a local zip record, after its own header signature.
/// NuGet measures each entry as running up to the next such bytes, so a chance occurrence in
/// compressed data would make NuGet hash less than the whole entry; such a package is refused.
/// </summary>
internal sealed class LocalHeaderSignatureScanner
{
    private readonly byte[] _carry = new byte[3];
    private int _carryLength;
    private long _position;

    /// <summary>The position (from the record's start) of the first occurrence after position 0, if any.</summary>
    public long? FoundAt { get; private set; }

    public void Feed(ReadOnlySpan<byte> chunk)
    {
        if (FoundAt is not null || chunk.IsEmpty)
        {
            return;
        }
        var pattern = ZipRecordSignatures.LocalFileHeaderBytes;
        // The seam is the carried last bytes of earlier chunks plus this chunk's first three:
        // any match in it straddles the two.
        Span<byte> seam = stackalloc byte[6];
        _carry.AsSpan(0, _carryLength).CopyTo(seam);
        var head = Math.Min(3, chunk.Length);
        chunk[..head].CopyTo(seam[_carryLength..]);
        var seamLength = _carryLength + head;
        var atSeam = seam[..seamLength].IndexOf(pattern);
        // A seam match at position 0 is the record's own signature split across chunks.
        if (_carryLength > 0 && atSeam >= 0 && _position - _carryLength + atSeam > 0)
        {
            FoundAt = _position - _carryLength + atSeam;
            return;
        }
        var skip = _position == 0 ? 1 : 0; // the record's own signature is not a find
        var found = chunk[skip..].IndexOf(pattern);
        if (found >= 0)
        {
            FoundAt = _position + skip + found;
            return;
        }
        var tail = chunk.Length >= 3 ? chunk[^3..] : seam[Math.Max(0, seamLength - 3)..seamLength];
        tail.CopyTo(_carry);
        _carryLength = tail.Length;
        _position += chunk.Length;
    }
}
