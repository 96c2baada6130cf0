namespace BuildSign.Core.Formats.Zip;

/// <summary>
/// Positioned, bounds-checked reads of an archive stream: every read names what it reads, so a
/// record that points outside the file becomes one clear error instead of a short read.
/// </summary>
internal sealed class ZipFileView(Stream stream, string path)
{
    public string Path { get; } = path;

    public long Length { get; } = stream.Length;

    public Stream Stream => stream;

    public void Read(long offset, Span<byte> buffer, string what)
    {
        if (offset < 0 || offset > Length || buffer.Length > Length - offset)
        {
            throw Broken($"truncated archive ({what} lies beyond the end of the file)");
        }
        stream.Position = offset;
        stream.ReadExactly(buffer);
    }

    public byte[] Read(long offset, int count, string what)
    {
        var buffer = new byte[count];
        Read(offset, buffer, what);
        return buffer;
    }

    public SigningException Broken(string reason) => new(Path, reason);
}
