using BuildSign.Core.Formats;
using BuildSign.Core.Formats.Detached;
using BuildSign.Core.Pipeline;
using BuildSign.Core.Verification;
using BuildSign.Testing;

namespace BuildSign.Core.Tests.Formats.Detached;

public class DetachedSignatureFormatTests
{
    private static readonly VerificationOptions TrustTestRoot = new() { TrustedCertificates = [TestPki.Shared.Root], TrustedTimestampCertificates = [TestPki.Shared.Root] };
    private readonly DetachedSignatureFormat _format = new();

    private static ToolResult OpenSslVerify(string file, bool anyPurpose = true)
    {
        string[] arguments = ["cms", "-verify", "-binary", "-inform", "DER", "-in", file + ".p7s", "-content", file, "-CAfile", TestPki.Shared.RootPem, "-out", "/dev/null"];
        return ExternalTool.Run("openssl", anyPurpose ? [.. arguments, "-purpose", "any"] : arguments);
    }

    private static string WriteFile(TempDirectory dir, string name, int length)
    {
        var path = dir.File(name);
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Theory]
    [InlineData("rsa")]
    [InlineData("ecdsa")]
    public async Task OpenSslVerifiesTheDetachedSignatureAndTheFileIsUnchanged(string keyKind)
    {
        using var dir = new TempDirectory();
        var file = WriteFile(dir, "app.tar.gz", 3 * (1 << 20) + 17);
        var before = File.ReadAllBytes(file);

        var result = await SingleFormatSigning.SignAsync(_format, file, keyKind);

        Assert.True(result.Status == FileSigningStatus.Signed, result.Error);
        Assert.Equal(file + ".p7s", result.SignaturePath);
        Assert.Equal(before, File.ReadAllBytes(file));
        var openssl = OpenSslVerify(file);
        Assert.True(openssl.ExitCode == 0, openssl.Output);
        var ours = await _format.VerifyAsync(file, TrustTestRoot, CancellationToken.None);
        Assert.True(ours.IsValid, ours.Error ?? string.Join("; ", ours.Signatures.SelectMany(s => s.Problems)));
        Assert.Empty(Directory.GetFiles(dir.Path, ".*.tmp"));
    }

    [Fact]
    public async Task OpenSslDefaultPurposeCheckOnTheCodeSigningLeaf()
    {
        using var dir = new TempDirectory();
        var file = WriteFile(dir, "data.bin", 1000);
        Assert.Equal(FileSigningStatus.Signed, (await SingleFormatSigning.SignAsync(_format, file)).Status);

        // openssl cms -verify checks the S/MIME signing purpose by default; a leaf whose critical
        // EKU says codeSigning only is refused there, which is why users need -purpose any.
        var openssl = OpenSslVerify(file, anyPurpose: false);
        Assert.NotEqual(0, openssl.ExitCode);
        Assert.True(openssl.Output.Contains("unsuitable certificate purpose", StringComparison.OrdinalIgnoreCase), openssl.Output);
    }

    [Fact]
    public async Task OneChangedByteFailsBothVerifiers()
    {
        using var dir = new TempDirectory();
        var file = WriteFile(dir, "data.bin", 4096);
        Assert.Equal(FileSigningStatus.Signed, (await SingleFormatSigning.SignAsync(_format, file)).Status);

        var bytes = File.ReadAllBytes(file);
        bytes[2000] ^= 0x20;
        File.WriteAllBytes(file, bytes);

        Assert.NotEqual(0, OpenSslVerify(file).ExitCode);
        var ours = await _format.VerifyAsync(file, TrustTestRoot, CancellationToken.None);
        Assert.False(ours.IsValid);
        Assert.Contains(ours.Signatures.Single().Problems, p => p.StartsWith("digest mismatch", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ResigningReplacesTheSignature()
    {
        using var dir = new TempDirectory();
        var file = WriteFile(dir, "data.bin", 500);
        Assert.Equal(FileSigningStatus.Signed, (await SingleFormatSigning.SignAsync(_format, file, "rsa")).Status);
        Assert.Equal(1, (await _format.InspectAsync(file, CancellationToken.None)).ExistingSignatures);

        var again = await SingleFormatSigning.SignAsync(_format, file, "ecdsa");

        Assert.True(again.Status == FileSigningStatus.Signed, again.Error);
        Assert.Equal(PlannedAction.Replace, again.Action);
        var ours = await _format.VerifyAsync(file, TrustTestRoot, CancellationToken.None);
        Assert.True(ours.IsValid);
        Assert.Contains("ECDSA", Assert.Single(ours.Signatures).Signer, StringComparison.Ordinal);
        Assert.Equal(0, OpenSslVerify(file).ExitCode);
    }

    [Fact]
    public async Task AppendIsRefusedAndLeavesTheSignature()
    {
        using var dir = new TempDirectory();
        var file = WriteFile(dir, "data.bin", 500);
        Assert.Equal(FileSigningStatus.Signed, (await SingleFormatSigning.SignAsync(_format, file)).Status);
        var signature = File.ReadAllBytes(file + ".p7s");

        var append = await SingleFormatSigning.SignAsync(_format, file, onExisting: ExistingSignatureAction.Append);

        Assert.Equal(FileSigningStatus.Failed, append.Status);
        Assert.Contains("nested", append.Error, StringComparison.Ordinal);
        Assert.Equal(signature, File.ReadAllBytes(file + ".p7s"));
    }

    [Fact]
    public async Task VerifyingAnUnsignedFileSaysWhichSignatureFileIsMissing()
    {
        using var dir = new TempDirectory();
        var file = WriteFile(dir, "data.bin", 10);

        var result = await _format.VerifyAsync(file, TrustTestRoot, CancellationToken.None);

        Assert.False(result.IsValid);
        Assert.Equal("not signed (no data.bin.p7s)", result.Error);
    }

    [Theory]
    [InlineData("a.bin", 1, true)]
    [InlineData("a.bin", 0, false)]
    [InlineData("a.bin.p7s", 5, false)]
    [InlineData("A.P7S", 5, false)]
    public void RecognizesAnyNonEmptyFileButSignatures(string name, int length, bool expected)
    {
        Assert.Equal(expected, _format.Recognizes(new FileHead(name, new byte[length], length)));
        Assert.True(_format.IsFallback);
    }
}
