namespace BuildSign.Core.Formats;

/// <summary>The first bytes of a file and its name: what formats are recognised by.</summary>
/// <param name="Path">The file's path.</param>
/// <param name="Bytes">Up to <see cref="Size"/> bytes from the start of the file.</param>
/// <param name="Length">The file's length in bytes.</param>
public sealed record FileHead(string Path, ReadOnlyMemory<byte> Bytes, long Length)
{
    /// <summary>How many bytes are read for recognition.</summary>
    public const int Size = 4096;

    /// <summary>The file's extension in lower case, with the dot ("" when none).</summary>
    public string Extension => System.IO.Path.GetExtension(Path).ToLowerInvariant();

    /// <summary>Reads the head of a file.</summary>
    public static FileHead Read(string path)
    {
        using var stream = Files.RegularFile.OpenRead(path, 1);
        var buffer = new byte[(int)Math.Min(Size, stream.Length)];
        stream.ReadExactly(buffer);
        return new FileHead(path, buffer, stream.Length);
    }

    /// <summary>True when the head starts with the given bytes.</summary>
    public bool StartsWith(ReadOnlySpan<byte> magic) => Bytes.Span.StartsWith(magic);
}
