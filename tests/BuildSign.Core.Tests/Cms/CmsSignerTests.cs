using System.Security.Cryptography;
using System.Text;
using BuildSign.Core;
using BuildSign.Core.Cms;
using BuildSign.Core.Formats;
using BuildSign.Core.Keys;
using BuildSign.Core.Keys.Software;
using BuildSign.Core.Verification;
using BuildSign.Testing;

namespace BuildSign.Core.Tests.Cms;

public class CmsSignerTests
{
    private static readonly byte[] Content = Encoding.UTF8.GetBytes("Version:1\n\nhello\n\n");

    private static SigningInput DataInput(DigestAlgorithm digest) => new()
    {
        ContentType = WellKnownOids.Data,
        EncapsulatedContent = Content,
        MessageDigest = digest.Hash(Content),
        FileDigest = digest.Hash(Content),
        Digest = digest,
        IncludeSigningTime = true,
        IncludeSigningCertificateV2 = true,
        TimestampAttribute = WellKnownOids.SignatureTimeStampToken,
    };

    [Theory]
    [InlineData("rsa", DigestAlgorithm.Sha256)]
    [InlineData("rsa", DigestAlgorithm.Sha512)]
    [InlineData("ecdsa", DigestAlgorithm.Sha256)]
    [InlineData("ecdsa", DigestAlgorithm.Sha384)]
    public async Task OpenSslVerifiesWhatCmsSignerSigns(string keyKind, DigestAlgorithm digest)
    {
        var pki = TestPki.Shared;
        await using var key = SoftwareSigningKey.Load(keyKind == "rsa" ? pki.RsaPfx : pki.EcdsaPfx);
        var signed = await CmsSigner.SignAsync(DataInput(digest), key, CancellationToken.None);

        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("sig.p7s"), signed.ContentInfo.ToArray());
        var result = ExternalTool.Run("openssl", "cms", "-verify", "-inform", "DER", "-in", dir.File("sig.p7s"), "-CAfile", pki.RootPem, "-purpose", "any", "-out", dir.File("content.txt"));
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal(Content, File.ReadAllBytes(dir.File("content.txt")));

        var ours = CmsSignatureVerifier.Verify(signed.ContentInfo, digest.Hash(Content), new VerificationOptions { TrustedCertificates = [pki.Root] });
        Assert.True(ours.IsValid, string.Join("; ", ours.Problems));
        Assert.Equal(KeyProtection.Software, ours.KeyProtection);
        Assert.Equal(digest, ours.Digest);
    }

    [Fact]
    public async Task VerifierReportsDigestMismatchAndUntrustedRoot()
    {
        var pki = TestPki.Shared;
        await using var key = SoftwareSigningKey.Load(pki.RsaPfx);
        var signed = await CmsSigner.SignAsync(DataInput(DigestAlgorithm.Sha256), key, CancellationToken.None);

        var wrongDigest = CmsSignatureVerifier.Verify(signed.ContentInfo, SHA256.HashData("other"u8), new VerificationOptions { TrustedCertificates = [pki.Root] });
        Assert.Contains(wrongDigest.Problems, p => p.StartsWith("digest mismatch", StringComparison.Ordinal));

        var untrusted = CmsSignatureVerifier.Verify(signed.ContentInfo, SHA256.HashData(Content), new VerificationOptions { TrustedCertificates = [pki.TsaLeaf] });
        Assert.Contains(untrusted.Problems, p => p.Contains("not trusted", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TamperedSignatureValueFailsVerification()
    {
        var pki = TestPki.Shared;
        await using var key = SoftwareSigningKey.Load(pki.EcdsaPfx);
        var signed = (await CmsSigner.SignAsync(DataInput(DigestAlgorithm.Sha256), key, CancellationToken.None)).ContentInfo.ToArray();
        var cms = CmsSignatureReader.Read(signed);
        // Flip a bit of the signer's signature value where it sits in the encoding.
        var at = signed.AsSpan().IndexOf(cms.SignatureValue.Span);
        signed[at + 10] ^= 0x01;
        var result = CmsSignatureVerifier.Verify(signed, SHA256.HashData(Content), new VerificationOptions { TrustedCertificates = [pki.Root] });
        Assert.Contains("the signature does not match the signer certificate's key", result.Problems);
    }
}
