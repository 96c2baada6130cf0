using BuildSign.Core.Formats.Pe;
using BuildSign.Testing;

namespace BuildSign.Core.Tests.Formats.Pe;

public class AuthenticodeHasherTests
{
    [Theory]
    [InlineData(TestPeFiles.Pe32, DigestAlgorithm.Sha256, false)]
    [InlineData(TestPeFiles.Pe32, DigestAlgorithm.Sha384, true)]
    [InlineData(TestPeFiles.Pe32, DigestAlgorithm.Sha512, false)]
    [InlineData(TestPeFiles.Pe32Plus, DigestAlgorithm.Sha256, true)]
    [InlineData(TestPeFiles.Pe32Plus, DigestAlgorithm.Sha384, false)]
    [InlineData(TestPeFiles.Pe32Plus, DigestAlgorithm.Sha512, true)]
    public async Task ImageDigestEqualsTheOneOsslsigncodeComputes(string kind, DigestAlgorithm digest, bool withOverlay)
    {
        using var dir = new TempDirectory();
        var unsigned = TestPeFiles.Unsigned(dir, kind, withOverlay);
        var signed = TestPeFiles.SignWithOsslsigncode(unsigned, dir.File("signed.dll"), digest.DisplayName());

        var verify = TestPeFiles.VerifyWithOsslsigncode(signed);
        Assert.True(verify.ExitCode == 0, verify.Output);
        var expected = Assert.Single(TestPeFiles.CalculatedDigests(verify));

        // Unsigned (padding hashed as if present) and signed (table skipped) give the same digest.
        Assert.Equal(expected, Convert.ToHexString(await AuthenticodeHasher.ComputeAsync(unsigned, digest, CancellationToken.None)));
        Assert.Equal(expected, Convert.ToHexString(await AuthenticodeHasher.ComputeAsync(signed, digest, CancellationToken.None)));
    }

    [Fact]
    public async Task DataAfterTheCertificateTableIsPartOfTheDigest()
    {
        using var dir = new TempDirectory();
        var signed = TestPeFiles.SignWithOsslsigncode(TestPeFiles.Unsigned(dir, TestPeFiles.Pe32), dir.File("signed.dll"), "sha256");
        var before = await AuthenticodeHasher.ComputeAsync(signed, DigestAlgorithm.Sha256, CancellationToken.None);

        File.AppendAllText(signed, "smuggled");
        var after = await AuthenticodeHasher.ComputeAsync(signed, DigestAlgorithm.Sha256, CancellationToken.None);

        Assert.NotEqual(Convert.ToHexString(before), Convert.ToHexString(after));
    }
}
