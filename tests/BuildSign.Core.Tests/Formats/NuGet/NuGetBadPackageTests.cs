using System.IO.Compression;
using BuildSign.Core.Formats;
using BuildSign.Core.Formats.NuGet;
using BuildSign.Core.Tests.Formats.Zip;
using BuildSign.Testing;

namespace BuildSign.Core.Tests.Formats.NuGet;

public sealed class NuGetBadPackageTests : IDisposable
{
    private readonly TempDirectory _directory = new("buildsign-badnupkg");
    private readonly NuGetPackageFormat _format = new();

    public void Dispose() => _directory.Dispose();

    private async Task<SigningException> InspectAndPrepareFails(string path)
    {
        var error = await Assert.ThrowsAsync<SigningException>(async () =>
        {
            var inspection = await _format.InspectAsync(path, default);
            await _format.PrepareAsync(path, inspection, new SignatureOptions(), default);
        });
        Assert.Equal(path, error.FilePath);
        Assert.StartsWith(path + ": ", error.Message, StringComparison.Ordinal);
        return error;
    }

    [Fact]
    public async Task ANupkgThatIsNotAZipIsRefused()
    {
        var path = _directory.File("fake.nupkg");
        File.WriteAllText(path, "<package>not a zip</package>");
        Assert.True(_format.Recognizes(FileHead.Read(path)));
        var error = await InspectAndPrepareFails(path);
        Assert.Equal("not a zip archive", error.Reason);
    }

    [Fact]
    public async Task ABrokenCentralDirectoryIsRefused()
    {
        var path = _directory.File("broken.nupkg");
        TestZip.Create(path, TestZip.Text("a.nuspec", "<package/>"), TestZip.Text("lib/a.dll", "x"));
        TestZip.Patch(path, bytes => bytes[TestZip.CentralDirectoryOffset(bytes) + 1] ^= 0xFF);
        var error = await InspectAndPrepareFails(path);
        Assert.Equal("broken central directory (entry 1 has no header signature)", error.Reason);
    }

    [Fact]
    public async Task APathTraversalEntryIsRefused()
    {
        var path = _directory.File("traversal.nupkg");
        TestZip.Create(path, TestZip.Text("a.nuspec", "<package/>"), TestZip.Text("../evil.txt", "x"));
        var error = await InspectAndPrepareFails(path);
        Assert.Equal("unsafe entry name '../evil.txt' (path traversal)", error.Reason);
    }

    [Fact]
    public async Task AZipBombIsRefused()
    {
        var path = _directory.File("bomb.nupkg");
        TestZip.Create(path, TestZip.Text("a.nuspec", "<package/>"), ("content/zeros.bin", new byte[16 * 1024 * 1024], CompressionLevel.SmallestSize));
        var error = await InspectAndPrepareFails(path);
        Assert.Contains("a zip bomb", error.Reason, StringComparison.Ordinal);
        Assert.StartsWith("zip entry 'content/zeros.bin' declares a compression ratio of ", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AZip64PackageIsRefusedBecauseNuGetCannotVerifyIt()
    {
        var path = _directory.File("zip64.nupkg");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            for (var i = 0; i < 65_536; i++)
            {
                zip.CreateEntry($"content/e{i}", CompressionLevel.NoCompression);
            }
        }
        var error = await InspectAndPrepareFails(path);
        Assert.Equal("zip64 packages cannot be signed (NuGet does not support signed zip64 packages)", error.Reason);
    }

    [Fact]
    public async Task AnEntryHoldingZipHeaderBytesIsRefused()
    {
        // NuGet measures an entry up to the next "PK\x03\x04": it would hash only part of this one.
        var path = _directory.File("lookalike.nupkg");
        TestZip.Create(path, TestZip.Text("a.nuspec", "<package/>"), ("content/x.bin", [(byte)'a', (byte)'P', (byte)'K', 3, 4, (byte)'z'], CompressionLevel.NoCompression));
        var error = await InspectAndPrepareFails(path);
        Assert.Equal("zip entry 'content/x.bin' holds the bytes of a zip header inside its data, which makes NuGet hash only part of it; repack the package to sign it", error.Reason);
    }

    [Fact]
    public async Task ACorruptSignatureEntryIsReported()
    {
        var path = _directory.File("corrupt.nupkg");
        TestZip.Create(path, TestZip.Text("a.nuspec", "<package/>"), (".signature.p7s", [0x30, 0x03, 0x02, 0x01, 0x01], CompressionLevel.NoCompression));
        Assert.Equal(1, (await _format.InspectAsync(path, default)).ExistingSignatures);
        var result = await _format.VerifyAsync(path, new BuildSign.Core.Verification.VerificationOptions(), default);
        Assert.False(result.IsValid);
        Assert.StartsWith("the signature entry is not a CMS signature", result.Error, StringComparison.Ordinal);
    }
}
