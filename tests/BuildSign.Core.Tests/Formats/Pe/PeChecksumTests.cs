using BuildSign.Core.Formats.Pe;
using BuildSign.Testing;

namespace BuildSign.Core.Tests.Formats.Pe;

public class PeChecksumTests
{
    [Theory]
    [InlineData(TestPeFiles.Pe32)]
    [InlineData(TestPeFiles.Pe32Plus)]
    public async Task ChecksumEqualsTheOneInMicrosoftSignedFiles(string kind) =>
        await AssertStoredChecksumIsCorrect(TestPeFiles.Signed(kind));

    [Fact]
    public async Task ChecksumEqualsTheOneOsslsigncodeWrites()
    {
        using var dir = new TempDirectory();
        var signed = TestPeFiles.SignWithOsslsigncode(TestPeFiles.Unsigned(dir, TestPeFiles.Pe32Plus, withOverlay: true), dir.File("signed.dll"), "sha256");
        await AssertStoredChecksumIsCorrect(signed);
    }

    private static async Task AssertStoredChecksumIsCorrect(string path)
    {
        await using var stream = File.OpenRead(path);
        var layout = PeImage.Read(stream, path);
        Assert.NotEqual(0u, layout.StoredCheckSum);
        Assert.Equal(layout.StoredCheckSum.ToString("X8"), (await PeChecksum.ComputeAsync(stream, layout.CheckSumOffset, CancellationToken.None)).ToString("X8"));
    }
}
