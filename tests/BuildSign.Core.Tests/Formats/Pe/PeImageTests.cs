using System.Buffers.Binary;
using BuildSign.Core.Formats;
using BuildSign.Core.Formats.Pe;
using BuildSign.Testing;

namespace BuildSign.Core.Tests.Formats.Pe;

public class PeImageTests
{
    [Theory]
    [InlineData(TestPeFiles.Pe32, false)]
    [InlineData(TestPeFiles.Pe32Plus, true)]
    public void ReadsTheLayoutOfRealFiles(string kind, bool isPe32Plus)
    {
        var path = TestPeFiles.Signed(kind);
        var layout = PeImage.Read(path);

        Assert.Equal(isPe32Plus, layout.IsPe32Plus);
        Assert.Equal(new FileInfo(path).Length, layout.FileLength);
        Assert.True(layout.CertificateTableIsAtEnd);
        Assert.Contains(layout.Sections, s => s.Name == ".text");
        Assert.True(PeSigning.Format.Recognizes(FileHead.Read(path)));
    }

    [Fact]
    public void RecognizesPeByContentWhateverTheName()
    {
        using var dir = new TempDirectory();
        var renamed = dir.File("firmware.bin");
        File.Copy(TestPeFiles.Signed(TestPeFiles.Pe32), renamed);
        File.WriteAllText(dir.File("notes.txt"), "plain text");

        Assert.True(PeSigning.Format.Recognizes(FileHead.Read(renamed)));
        Assert.False(PeSigning.Format.Recognizes(FileHead.Read(dir.File("notes.txt"))));
    }

    public static TheoryData<string, string> BadFiles => new()
    {
        { "empty", "not a PE file" },
        { "text", "not a PE file" },
        { "random", "not a PE file" },
        { "elf", "not a PE file" },
        { "lfanew-out-of-range", "not a PE file: e_lfanew 0x7FFFFFF0 points outside the file" },
        { "no-pe-signature", "not a PE file: no PE signature at e_lfanew" },
        { "truncated-headers", "truncated: PE headers end past end of file" },
        { "section-past-eof", "truncated: section .text ends past end of file" },
        { "table-outside", "certificate table points outside the file" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task BadInputIsRefusedWithTheFileAndTheReason(string kind, string reason)
    {
        using var dir = new TempDirectory();
        var path = dir.File($"{kind}.dll");
        File.WriteAllBytes(path, BadFile(kind, dir));
        var before = File.ReadAllBytes(path);

        var error = await Assert.ThrowsAsync<SigningException>(() => PeSigning.Format.InspectAsync(path, CancellationToken.None).AsTask());
        Assert.Equal(path, error.FilePath);
        Assert.Equal(reason, error.Reason);
        Assert.Equal($"{path}: {reason}", error.Message);

        var verification = await PeSigning.Format.VerifyAsync(path, PeSigning.TrustTestRoot, CancellationToken.None);
        Assert.False(verification.IsValid);
        Assert.Equal(reason, verification.Error);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    private static byte[] BadFile(string kind, TempDirectory dir)
    {
        switch (kind)
        {
            case "empty": return [];
            case "text": return "This is not a DLL, just text that someone named .dll.\n"u8.ToArray();
            case "random": return Enumerable.Range(0, 4096).Select(i => (byte)((i * 2654435761u) >> 24)).ToArray();
            case "elf": return File.ReadAllBytes("/bin/ls");
        }
        var valid = TestPeFiles.Unsigned(dir, TestPeFiles.Pe32);
        var bytes = File.ReadAllBytes(valid);
        var peOffset = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(0x3C));
        var layout = PeImage.Read(valid);
        switch (kind)
        {
            case "lfanew-out-of-range":
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(0x3C), 0x7FFFFFF0);
                return bytes;
            case "no-pe-signature":
                bytes[peOffset + 1] = (byte)'X';
                return bytes;
            case "truncated-headers":
                return bytes[..(peOffset + 24 + 40)];
            case "section-past-eof":
                var text = layout.Sections.First(s => s.Name == ".text");
                return bytes[..(int)(text.RawDataEnd - 1)];
            case "table-outside":
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan((int)layout.CertificateEntryOffset), (uint)bytes.Length - 8);
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan((int)layout.CertificateEntryOffset + 4), 4096);
                return bytes;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }
}
