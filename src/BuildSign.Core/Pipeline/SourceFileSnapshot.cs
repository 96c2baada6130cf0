namespace BuildSign.Core.Pipeline;

/// <summary>A file's length and last write time, to notice a file that changes while it is being signed.</summary>
internal sealed record SourceFileSnapshot(long Length, DateTime LastWriteTimeUtc)
{
    public static SourceFileSnapshot Take(string path)
    {
        var info = new FileInfo(path);
        return new SourceFileSnapshot(info.Length, info.LastWriteTimeUtc);
    }

    public bool StillMatches(string path) => Take(path) == this;
}
