using System.Buffers.Binary;
using System.IO.Compression;
using BuildSign.Core.Formats.Zip;
using BuildSign.Testing;

namespace BuildSign.Core.Tests.Formats.Zip;

public sealed class ZipArchiveReaderTests : IDisposable
{
    private readonly TempDirectory _directory = new("buildsign-zip");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void ReadsWhatTheBclWrote()
    {
        var path = _directory.File("a.zip");
        TestZip.Create(path,
            TestZip.Text("lib/net10.0/a.txt", new string('a', 5000)),
            ("stored.bin", [1, 2, 3, 4, 5], CompressionLevel.NoCompression),
            TestZip.Text("dir/ü.txt", "unicode name"));

        var layout = ZipArchiveReader.ReadFile(path);
        using var bcl = ZipFile.OpenRead(path);
        Assert.Equal(bcl.Entries.Select(e => e.FullName), layout.Entries.Select(e => e.Name));
        Assert.Equal(bcl.Entries.Select(e => e.Length), layout.Entries.Select(e => e.UncompressedSize));
        Assert.Equal(bcl.Entries.Select(e => e.CompressedLength), layout.Entries.Select(e => e.CompressedSize));
        Assert.Equal(bcl.Entries.Select(e => e.Crc32), layout.Entries.Select(e => e.Crc32));
        Assert.Equal(0, layout.LocalEntriesStart);
        Assert.False(layout.IsZip64);
        Assert.True(layout.Find("stored.bin")!.IsStored);
        var stored = layout.Find("stored.bin")!;
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, bytes.AsSpan((int)stored.DataOffset, 5).ToArray());
        Assert.Equal(Crc32.Compute([1, 2, 3, 4, 5]), stored.Crc32);
    }

    [Fact]
    public void ReadsEntriesWithDataDescriptors()
    {
        var path = _directory.File("streamed.zip");
        using (var file = File.Create(path))
        {
            TestZip.Write(new NonSeekableStream(file), TestZip.Text("a.txt", "first"), TestZip.Text("b.txt", new string('b', 3000)));
        }
        var layout = ZipArchiveReader.ReadFile(path);
        Assert.All(layout.Entries, e => Assert.True(e.HasDataDescriptor));
        Assert.Equal(layout.Entries[1].LocalHeaderOffset, layout.Entries[0].LocalEntryEnd);
        Assert.Equal(layout.CentralDirectoryOffset, layout.Entries[1].LocalEntryEnd);
    }

    [Fact]
    public void ReadsZip64Archives()
    {
        // More than 65535 entries forces the BCL to write zip64 end records.
        var path = _directory.File("many.zip");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            for (var i = 0; i < 65_540; i++)
            {
                zip.CreateEntry($"e{i}", CompressionLevel.NoCompression);
            }
        }
        var layout = ZipArchiveReader.ReadFile(path);
        Assert.True(layout.IsZip64);
        Assert.Equal(65_540, layout.Entries.Count);
        Assert.Equal("e65539", layout.Entries[^1].Name);
    }

    [Fact]
    public void RefusesAFileThatIsNotAZip()
    {
        var path = _directory.File("text.zip");
        File.WriteAllText(path, "this is not an archive, just some text that is long enough");
        var error = Assert.Throws<SigningException>(() => ZipArchiveReader.ReadFile(path));
        Assert.Equal($"{path}: not a zip archive (no end of central directory record)", error.Message);
    }

    [Fact]
    public void RefusesACentralDirectoryHeaderWithoutItsSignature()
    {
        var path = _directory.File("broken.zip");
        TestZip.Create(path, TestZip.Text("a.txt", "a"), TestZip.Text("b.txt", "b"));
        TestZip.Patch(path, bytes => bytes[TestZip.CentralDirectoryOffset(bytes)] = (byte)'X');
        var error = Assert.Throws<SigningException>(() => ZipArchiveReader.ReadFile(path));
        Assert.Equal("broken central directory (entry 1 has no header signature)", error.Reason);
    }

    [Fact]
    public void RefusesACentralDirectoryOffsetThatMissesTheEndRecord()
    {
        var path = _directory.File("moved.zip");
        TestZip.Create(path, TestZip.Text("a.txt", "a"));
        TestZip.Patch(path, bytes => BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(TestZip.EndRecordOffset(bytes) + 16), 3));
        var error = Assert.Throws<SigningException>(() => ZipArchiveReader.ReadFile(path));
        Assert.Equal("broken central directory (its offset and size do not meet the end record)", error.Reason);
    }

    [Fact]
    public void RefusesALocalHeaderOffsetPointingNowhere()
    {
        var path = _directory.File("dangling.zip");
        TestZip.Create(path, TestZip.Text("a.txt", "a"), TestZip.Text("b.txt", "b"));
        TestZip.Patch(path, bytes => BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(TestZip.CentralDirectoryOffset(bytes) + 42), 7));
        var error = Assert.Throws<SigningException>(() => ZipArchiveReader.ReadFile(path));
        Assert.Equal("broken central directory (no local header where entry 'a.txt' points)", error.Reason);
    }

    [Theory]
    [InlineData("../evil.txt", "unsafe entry name '../evil.txt' (path traversal)")]
    [InlineData("lib/../../evil.txt", "unsafe entry name 'lib/../../evil.txt' (path traversal)")]
    [InlineData("..\\evil.txt", "unsafe entry name '..\\evil.txt' (path traversal)")]
    [InlineData("/etc/passwd", "unsafe entry name '/etc/passwd' (absolute path)")]
    [InlineData("C:/Windows/evil.dll", "unsafe entry name 'C:/Windows/evil.dll' (absolute path)")]
    public void RefusesUnsafeNames(string name, string reason)
    {
        var path = _directory.File("names.zip");
        TestZip.Create(path, TestZip.Text("ok.txt", "fine"), TestZip.Text(name, "evil"));
        var error = Assert.Throws<SigningException>(() => ZipArchiveReader.ReadFile(path));
        Assert.Equal(reason, error.Reason);
        Assert.Equal(path, error.FilePath);
    }

    [Fact]
    public void RefusesAnEntryThatDeflatesBeyondTheRatioLimit()
    {
        var path = _directory.File("bomb.zip");
        TestZip.Create(path, ("zeros.bin", new byte[16 * 1024 * 1024], CompressionLevel.SmallestSize));
        var error = Assert.Throws<SigningException>(() => ZipArchiveReader.ReadFile(path));
        Assert.Matches(@"^zip entry 'zeros\.bin' declares a compression ratio of \d+:1 \(limit 1000:1\), a zip bomb$", error.Reason);
    }

    [Fact]
    public void RefusesAnEntryDeclaringAHugeSize()
    {
        var path = _directory.File("liar.zip");
        TestZip.Create(path, TestZip.Text("small.txt", "small"));
        TestZip.Patch(path, bytes => BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(TestZip.CentralDirectoryOffset(bytes) + 24), 0xF000_0000));
        var error = Assert.Throws<SigningException>(() => ZipArchiveReader.ReadFile(path));
        Assert.StartsWith("zip entry 'small.txt' declares a compression ratio of ", error.Reason, StringComparison.Ordinal);

        var limited = new ZipReadLimits { MaxEntryUncompressedSize = 1024 * 1024 };
        var sizeError = Assert.Throws<SigningException>(() => ZipArchiveReader.ReadFile(path, limited));
        Assert.Equal($"zip entry 'small.txt' declares {0xF000_0000L} bytes uncompressed (limit 1048576)", sizeError.Reason);
    }

    [Fact]
    public void RefusesBytesHiddenBetweenEntries()
    {
        var path = _directory.File("gap.zip");
        TestZip.Create(path, ("a.bin", [1, 2, 3], CompressionLevel.NoCompression), ("b.bin", [4, 5, 6], CompressionLevel.NoCompression));
        // Shrink a.bin's declared size in the central directory: its last byte is then owned by nobody.
        TestZip.Patch(path, bytes =>
        {
            var header = TestZip.CentralDirectoryOffset(bytes);
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(header + 20), 2);
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(header + 24), 2);
            // The local header says the same, so that only the gap is wrong.
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(18), 2);
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(22), 2);
        });
        var error = Assert.Throws<SigningException>(() => ZipArchiveReader.ReadFile(path));
        Assert.Equal("broken archive (unexpected bytes between zip entries 'a.bin' and 'b.bin')", error.Reason);
    }

    [Fact]
    public void Crc32MatchesTheKnownCheckValue()
    {
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
    }
}
