using BuildSign.Core.Api;
using BuildSign.Core.Formats;
using BuildSign.Testing;

namespace BuildSign.Core.Tests.Certificates;

/// <summary>
/// A certificate that cannot verify must never replace a good signature: the entry point refuses
/// it with one clear error before signing anything, and every file stays byte for byte as it was.
/// </summary>
public sealed class SignerCertificatePreflightTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("expired", "expired on")]
    [InlineData("not-yet-valid", "is not valid yet")]
    [InlineData("server-auth-eku", "is not for code signing (its extended key usage is serverAuth)")]
    [InlineData("no-digital-signature", "does not allow digital signatures")]
    [InlineData("other-key", "no certificate matches the private key")]
    public async Task An_unfit_certificate_is_refused_and_a_signed_file_stays_identical(string kind, string reason)
    {
        var pki = TestPki.Shared;
        var file = TestPeFiles.Unsigned(_dir, TestPeFiles.Pe32);
        var first = await new BuildSigner().SignAsync(new SignRequest { Key = "file:" + pki.RsaPfx, Paths = [file] });
        Assert.True(first.Succeeded, first.Error);
        var signedBytes = await File.ReadAllBytesAsync(file);
        var certificate = UnfitSignerCertificates.Write(pki, kind, _dir.Path);

        foreach (var dryRun in new[] { false, true })
        {
            var result = await new BuildSigner().SignAsync(new SignRequest { Key = "file:" + pki.RsaKeyPem, Certificate = certificate, Paths = [file], DryRun = dryRun });

            Assert.Equal(signedBytes, await File.ReadAllBytesAsync(file));
            if (dryRun && kind == "other-key")
            {
                // A dry run goes on without a key it cannot open, and says why.
                Assert.Contains(result.Warnings, w => w.Contains(reason, StringComparison.Ordinal));
                continue;
            }
            Assert.False(result.Succeeded);
            Assert.NotNull(result.Error);
            Assert.Contains(reason, result.Error);
            Assert.DoesNotContain('\n', result.Error);
        }
        Assert.Empty(Directory.GetFiles(_dir.Path, ".*"));
    }

    [Fact]
    public async Task A_fit_certificate_from_a_file_passes_the_preflight()
    {
        var pki = TestPki.Shared;
        var file = TestPeFiles.Unsigned(_dir, TestPeFiles.Pe32);

        var result = await new BuildSigner().SignAsync(new SignRequest { Key = "file:" + pki.RsaKeyPem, Certificate = pki.RsaLeafPem, Paths = [file] });

        Assert.True(result.Succeeded, result.Error);
    }

    [Fact]
    public void A_certificate_without_extended_key_usage_is_not_for_code_signing()
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=No EKU", key, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        var problem = BuildSign.Core.Certificates.SignerCertificatePreflight.FindProblem(certificate, DateTimeOffset.UtcNow);

        Assert.Equal("the signer certificate 'CN=No EKU' has no extended key usage (code signing needs id-kp-codeSigning)", problem);
    }
}
