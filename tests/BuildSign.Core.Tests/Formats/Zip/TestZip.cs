using System.Buffers.Binary;
using System.IO.Compression;

namespace BuildSign.Core.Tests.Formats.Zip;

/// <summary>Builds small archives with the BCL's ZipArchive, and patches their records to break them.</summary>
internal static class TestZip
{
    public static void Create(string path, params (string Name, byte[] Data, CompressionLevel Level)[] entries)
    {
        using var file = File.Create(path);
        Write(file, entries);
    }

    public static void Write(Stream stream, params (string Name, byte[] Data, CompressionLevel Level)[] entries)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var (name, data, level) in entries)
        {
            using var entryStream = zip.CreateEntry(name, level).Open();
            entryStream.Write(data);
        }
    }

    public static (string, byte[], CompressionLevel) Text(string name, string text) =>
        (name, System.Text.Encoding.UTF8.GetBytes(text), CompressionLevel.Optimal);

    /// <summary>Where the end of central directory record starts (the archives here have no comment).</summary>
    public static int EndRecordOffset(byte[] zip) => zip.Length - 22;

    public static int CentralDirectoryOffset(byte[] zip) => (int)BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(EndRecordOffset(zip) + 16));

    public static void Patch(string path, Action<byte[]> change)
    {
        var bytes = File.ReadAllBytes(path);
        change(bytes);
        File.WriteAllBytes(path, bytes);
    }
}

/// <summary>A write-only stream that cannot seek, so ZipArchive writes data descriptors.</summary>
internal sealed class NonSeekableStream(Stream inner) : Stream
{
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() => inner.Flush();
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
}
