using BuildSign.Testing;

namespace BuildSign.Cli.Tests;

/// <summary>
/// <c>sign --certificate</c> with a certificate no verifier accepts, for the token's own key:
/// one clear error, exit 1, and a previously signed file that osslsigncode still verifies.
/// </summary>
[Collection(CliCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SignerCertificateTests(CliFixture cli) : IDisposable
{
    private readonly TempDirectory _dir = new("buildsign-cli");

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("expired", "expired on")]
    [InlineData("not-yet-valid", "is not valid yet")]
    [InlineData("server-auth-eku", "is not for code signing")]
    [InlineData("other-key", "does not match key")]
    public void An_unfit_certificate_is_refused_before_anything_is_signed(string kind, string reason)
    {
        var file = TestPeFiles.Unsigned(_dir, TestPeFiles.Pe32);
        var signed = cli.Run("sign", "--key", cli.Token.RsaKeyString, "--timestamp-url", cli.TimestampUrl.ToString(), file);
        Assert.True(signed.ExitCode == 0, signed.Output);
        var before = File.ReadAllBytes(file);
        var certificate = UnfitSignerCertificates.Write(cli.Pki, kind, _dir.Path);

        var result = cli.Run("sign", "--key", cli.Token.RsaKeyString, "--certificate", certificate, "--timestamp-url", cli.TimestampUrl.ToString(), file);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(reason, result.StandardError);
        Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(before, File.ReadAllBytes(file));
        var osslsigncode = ExternalTool.Run("osslsigncode", "verify", "-CAfile", cli.Pki.RootPem, "-TSA-CAfile", cli.Pki.RootPem, "-in", file);
        Assert.True(osslsigncode.ExitCode == 0, osslsigncode.Output);
    }
}
