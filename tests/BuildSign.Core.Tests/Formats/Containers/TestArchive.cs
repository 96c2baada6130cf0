using System.IO.Compression;

namespace BuildSign.Core.Tests.Formats.Containers;

/// <summary>One entry of a test archive: its name, contents, compression and modification time.</summary>
internal sealed record TestArchiveEntry(string Name, byte[] Data, CompressionLevel Level = CompressionLevel.Optimal, DateTimeOffset? Time = null);

/// <summary>Builds archives with the BCL's ZipArchive, as third-party tools would.</summary>
internal static class TestArchive
{
    public static readonly DateTimeOffset OldTime = new(2021, 6, 15, 10, 30, 20, TimeSpan.Zero);

    public static string Create(string path, params TestArchiveEntry[] entries)
    {
        using var file = File.Create(path);
        using var zip = new ZipArchive(file, ZipArchiveMode.Create);
        foreach (var item in entries)
        {
            var entry = zip.CreateEntry(item.Name, item.Level);
            entry.LastWriteTime = item.Time ?? OldTime;
            using var stream = entry.Open();
            stream.Write(item.Data);
        }
        return path;
    }
}
