using BuildSign.Core.Formats;
using BuildSign.Core.Formats.Pe;
using BuildSign.Core.Pipeline;
using BuildSign.Core.Tests.Formats.Detached;
using BuildSign.Testing;

namespace BuildSign.Core.Tests.Pipeline;

/// <summary>A nested signature is only appended to a primary signature that verifies.</summary>
public sealed class AppendTargetTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Append_onto_a_corrupt_primary_signature_is_refused_and_the_file_is_untouched()
    {
        var file = TestPeFiles.Unsigned(_dir, TestPeFiles.Pe32);
        Assert.Equal(FileSigningStatus.Signed, (await SingleFormatSigning.SignAsync(new PeFormat(), file)).Status);
        // The last byte of the DER is the last byte of the primary's signature value (no unsigned attributes).
        var table = PeImage.Read(file).CertificateTable!;
        var derLength = WinCertificate.ParseTable(File.ReadAllBytes(file).AsMemory((int)table.Offset, (int)table.Size), file)[0].Data.Length;
        TestPeFiles.FlipByte(file, table.Offset + WinCertificate.HeaderSize + derLength - 1);
        var corrupt = await File.ReadAllBytesAsync(file);
        Assert.NotEqual(0, TestPeFiles.VerifyWithOsslsigncode(file).ExitCode);

        var result = await SingleFormatSigning.SignAsync(new PeFormat(), file, "ecdsa", ExistingSignatureAction.Append);

        Assert.Equal(FileSigningStatus.Failed, result.Status);
        Assert.Equal(PlannedAction.Refuse, result.Action);
        Assert.Equal("cannot append: the existing signature does not verify (the signature does not match the signer certificate's key); replace it instead", result.Error);
        Assert.Equal(corrupt, await File.ReadAllBytesAsync(file));
    }

    [Fact]
    public async Task Append_onto_a_sound_signature_made_by_another_tool_is_allowed()
    {
        // osslsigncode's signature: sound, made by another tool, checked for integrity only (no trust anchors are given).
        var unsigned = TestPeFiles.Unsigned(_dir, TestPeFiles.Pe32);
        var file = TestPeFiles.SignWithOsslsigncode(unsigned, _dir.File("signed.dll"), "sha256");

        var result = await SingleFormatSigning.SignAsync(new PeFormat(), file, "ecdsa", ExistingSignatureAction.Append);

        Assert.True(result.Status == FileSigningStatus.Signed, result.Error);
        Assert.Equal(2, TestPeFiles.SignatureBlocks(TestPeFiles.VerifyWithOsslsigncode(file)).Count);
    }
}
