using BuildSign.Core.Cms;
using BuildSign.Core.Formats;
using BuildSign.Core.Formats.Pe;
using BuildSign.Testing;

namespace BuildSign.Core.Tests.Formats.Pe;

public class PeFormatSigningTests
{
    [Theory]
    [InlineData("rsa", DigestAlgorithm.Sha256, TestPeFiles.Pe32, false)]
    [InlineData("rsa", DigestAlgorithm.Sha384, TestPeFiles.Pe32Plus, false)]
    [InlineData("rsa", DigestAlgorithm.Sha512, TestPeFiles.Pe32, true)]
    [InlineData("ecdsa", DigestAlgorithm.Sha256, TestPeFiles.Pe32Plus, true)]
    [InlineData("ecdsa", DigestAlgorithm.Sha384, TestPeFiles.Pe32, false)]
    [InlineData("ecdsa", DigestAlgorithm.Sha512, TestPeFiles.Pe32Plus, false)]
    public async Task OsslsigncodeAndBuildSignVerifyTheSignedFile(string keyKind, DigestAlgorithm digest, string kind, bool withOverlay)
    {
        using var dir = new TempDirectory();
        var unsigned = TestPeFiles.Unsigned(dir, kind, withOverlay);
        var signed = await PeSigning.SignAsync(unsigned, dir.File("signed.dll"), keyKind, digest,
            options: new SignatureOptions { Description = "BuildSign test", Url = "https://example.test/buildsign" });

        var verify = TestPeFiles.VerifyWithOsslsigncode(signed);
        Assert.True(verify.ExitCode == 0, verify.Output);
        var block = Assert.Single(TestPeFiles.SignatureBlocks(verify));
        Assert.Contains("Signature verification: ok", block);
        Assert.Contains("Text description: BuildSign test", block);
        Assert.Contains("URL description: https://example.test/buildsign", block);
        Assert.DoesNotContain("Current PE checksum", verify.Output); // printed only when the checksum is wrong

        var ours = await PeSigning.Format.VerifyAsync(signed, PeSigning.TrustTestRoot, CancellationToken.None);
        Assert.True(ours.IsValid, ours.Error + string.Join("; ", ours.Signatures.SelectMany(s => s.Problems)));
        var signature = Assert.Single(ours.Signatures);
        Assert.Equal(digest, signature.Digest);
        Assert.Contains("BuildSign Test Signer", signature.Signer);
    }

    [Theory]
    [InlineData(TestPeFiles.Pe32)]
    [InlineData(TestPeFiles.Pe32Plus)]
    public async Task TamperingWithOneByteFailsBothVerifiers(string kind)
    {
        using var dir = new TempDirectory();
        var signed = await PeSigning.SignAsync(TestPeFiles.Unsigned(dir, kind), dir.File("signed.dll"), "rsa", DigestAlgorithm.Sha256);
        var layout = PeImage.Read(signed);
        TestPeFiles.FlipByte(signed, layout.Sections[0].PointerToRawData + 16);

        var verify = TestPeFiles.VerifyWithOsslsigncode(signed);
        Assert.NotEqual(0, verify.ExitCode);
        var ours = await PeSigning.Format.VerifyAsync(signed, PeSigning.TrustTestRoot, CancellationToken.None);
        Assert.False(ours.IsValid);
        Assert.Contains("image digest mismatch: the file was changed after signing", Assert.Single(ours.Signatures).Problems);
    }

    [Fact]
    public async Task SigningTwiceGivesIdenticalBytes()
    {
        using var dir = new TempDirectory();
        var unsigned = TestPeFiles.Unsigned(dir, TestPeFiles.Pe32Plus, withOverlay: true);
        var first = await PeSigning.SignAsync(unsigned, dir.File("first.dll"), "rsa", DigestAlgorithm.Sha256);
        var second = await PeSigning.SignAsync(unsigned, dir.File("second.dll"), "rsa", DigestAlgorithm.Sha256);
        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));
    }

    [Fact]
    public async Task ReplacingMicrosoftsSignatureLeavesOnlyOurs()
    {
        using var dir = new TempDirectory();
        var original = TestPeFiles.Signed(TestPeFiles.Pe32);
        Assert.Equal(1, (await PeSigning.Format.InspectAsync(original, CancellationToken.None)).ExistingSignatures);

        var signed = await PeSigning.SignAsync(original, dir.File("resigned.dll"), "ecdsa", DigestAlgorithm.Sha384, ExistingSignatureAction.Replace);

        var verify = TestPeFiles.VerifyWithOsslsigncode(signed);
        Assert.True(verify.ExitCode == 0, verify.Output);
        Assert.Contains("Signature verification: ok", Assert.Single(TestPeFiles.SignatureBlocks(verify)));
        Assert.DoesNotContain("Microsoft Corporation", verify.StandardOutput);
        var ours = await PeSigning.Format.VerifyAsync(signed, PeSigning.TrustTestRoot, CancellationToken.None);
        Assert.True(ours.IsValid, string.Join("; ", ours.Signatures.SelectMany(s => s.Problems)));
    }

    [Fact]
    public async Task AppendingNestsASecondSignatureThatBothVerifiersCheck()
    {
        using var dir = new TempDirectory();
        var once = await PeSigning.SignAsync(TestPeFiles.Unsigned(dir, TestPeFiles.Pe32, withOverlay: true), dir.File("once.dll"), "rsa", DigestAlgorithm.Sha256);
        var twice = await PeSigning.SignAsync(once, dir.File("twice.dll"), "ecdsa", DigestAlgorithm.Sha512, ExistingSignatureAction.Append);
        var thrice = await PeSigning.SignAsync(twice, dir.File("thrice.dll"), "rsa", DigestAlgorithm.Sha384, ExistingSignatureAction.Append);

        Assert.Equal(3, (await PeSigning.Format.InspectAsync(thrice, CancellationToken.None)).ExistingSignatures);
        var verify = TestPeFiles.VerifyWithOsslsigncode(thrice);
        Assert.True(verify.ExitCode == 0, verify.Output);
        var blocks = TestPeFiles.SignatureBlocks(verify);
        Assert.Equal(3, blocks.Count);
        Assert.All(blocks, b => Assert.Contains("Signature verification: ok", b));
        Assert.Contains("SHA256", blocks[0]);
        Assert.Contains("SHA512", blocks[1]);
        Assert.Contains("SHA384", blocks[2]);

        var ours = await PeSigning.Format.VerifyAsync(thrice, PeSigning.TrustTestRoot, CancellationToken.None);
        Assert.True(ours.IsValid, string.Join("; ", ours.Signatures.SelectMany(s => s.Problems)));
        Assert.Equal([DigestAlgorithm.Sha256, DigestAlgorithm.Sha512, DigestAlgorithm.Sha384], ours.Signatures.Select(s => s.Digest));

        // Tampering now breaks every signature, nested ones included.
        TestPeFiles.FlipByte(thrice, PeImage.Read(thrice).Sections[0].PointerToRawData + 16);
        var tampered = await PeSigning.Format.VerifyAsync(thrice, PeSigning.TrustTestRoot, CancellationToken.None);
        Assert.All(tampered.Signatures, s => Assert.False(s.IsValid));
        Assert.All(TestPeFiles.SignatureBlocks(TestPeFiles.VerifyWithOsslsigncode(thrice)), b => Assert.DoesNotContain("Signature verification: ok", b));
    }

    [Fact]
    public async Task AppendingToMicrosoftsSignatureKeepsItAndAddsOurs()
    {
        using var dir = new TempDirectory();
        var original = TestPeFiles.Signed(TestPeFiles.Pe32Plus);
        var signed = await PeSigning.SignAsync(original, dir.File("appended.dll"), "rsa", DigestAlgorithm.Sha256, ExistingSignatureAction.Append);

        var blocks = TestPeFiles.SignatureBlocks(TestPeFiles.VerifyWithOsslsigncode(signed));
        Assert.Equal(2, blocks.Count);
        Assert.Contains("Microsoft Corporation", blocks[0]); // kept, with its timestamp
        Assert.Contains("Timestamp time:", blocks[0]);
        Assert.Contains("BuildSign Test Signer RSA", blocks[1]);
        Assert.Contains("Signature verification: ok", blocks[1]);

        var ours = await PeSigning.Format.VerifyAsync(signed, PeSigning.TrustTestRoot, CancellationToken.None);
        Assert.Equal(2, ours.Signatures.Count);
        Assert.DoesNotContain(ours.Signatures[0].Problems, p => p.Contains("digest", StringComparison.OrdinalIgnoreCase));
        Assert.True(ours.Signatures[1].IsValid, string.Join("; ", ours.Signatures[1].Problems));
    }

    [Fact]
    public async Task AnAlreadySignedFileIsRefusedWhenReplacementIsNotAllowed()
    {
        using var dir = new TempDirectory();
        var signed = await PeSigning.SignAsync(TestPeFiles.Unsigned(dir, TestPeFiles.Pe32), dir.File("signed.dll"), "rsa", DigestAlgorithm.Sha256);

        var error = await Assert.ThrowsAsync<SigningException>(() => PeSigning.SignAsync(signed, dir.File("again.dll"), "rsa", DigestAlgorithm.Sha256, ExistingSignatureAction.Fail));
        Assert.Equal(signed, error.FilePath);
        Assert.StartsWith("already signed", error.Reason);
    }

    [Fact]
    public async Task ATableWithDataBehindItIsNotRewritten()
    {
        using var dir = new TempDirectory();
        var signed = await PeSigning.SignAsync(TestPeFiles.Unsigned(dir, TestPeFiles.Pe32), dir.File("signed.dll"), "rsa", DigestAlgorithm.Sha256);
        File.AppendAllText(signed, "trailing data after the certificate table");

        var error = await Assert.ThrowsAsync<SigningException>(() => PeSigning.SignAsync(signed, dir.File("again.dll"), "rsa", DigestAlgorithm.Sha256, ExistingSignatureAction.Replace));
        Assert.Equal(signed, error.FilePath);
        Assert.Contains("certificate table is not at the end of the file", error.Reason);
        Assert.False(File.Exists(dir.File("again.dll")));
    }

    [Fact]
    public async Task AFileChangedBetweenDigestAndEmbedIsCaught()
    {
        using var dir = new TempDirectory();
        var source = TestPeFiles.Unsigned(dir, TestPeFiles.Pe32Plus);
        await using var key = PeSigning.Key("rsa");
        var format = PeSigning.Format;
        var input = await format.PrepareAsync(source, await format.InspectAsync(source, CancellationToken.None), new SignatureOptions(), CancellationToken.None);
        var signature = await CmsSigner.SignAsync(input, key, CancellationToken.None);

        TestPeFiles.FlipByte(source, PeImage.Read(source).Sections[0].PointerToRawData + 16);
        await format.EmbedAsync(source, dir.File("out.dll"), input, signature, ExistingSignatureAction.Replace, CancellationToken.None);

        var error = await Assert.ThrowsAsync<SigningException>(() => format.CheckWrittenAsync(source, dir.File("out.dll"), input, CancellationToken.None).AsTask());
        Assert.Equal(source, error.FilePath);
        Assert.StartsWith("file changed while being signed", error.Reason);
    }

    [Fact]
    public async Task AnUnsignedFileVerifiesAsNotSigned()
    {
        using var dir = new TempDirectory();
        var result = await PeSigning.Format.VerifyAsync(TestPeFiles.Unsigned(dir, TestPeFiles.Pe32), PeSigning.TrustTestRoot, CancellationToken.None);
        Assert.False(result.IsValid);
        Assert.Equal("not signed", result.Error);
    }
}
