using BuildSign.Testing;

namespace BuildSign.Cli.Tests;

/// <summary><c>verify</c> keeps timestamping anchors apart from code-signing anchors.</summary>
[Collection(CliCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class VerifyTrustTests(CliFixture cli) : IDisposable
{
    private readonly TempDirectory _dir = new("buildsign-cli");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_timestamp_is_trusted_only_through_a_timestamping_anchor()
    {
        var file = TestPeFiles.Unsigned(_dir, TestPeFiles.Pe32);
        var signed = cli.Run("sign", "--key", cli.Token.RsaKeyString, "--timestamp-url", cli.TimestampUrl.ToString(), file);
        Assert.True(signed.ExitCode == 0, signed.Output);

        // The test root anchors the signer, but nothing anchors the TSA (the system store does not know it).
        var signerOnly = cli.Run("verify", "--trusted-certificate", cli.Pki.RootPem, file);
        Assert.Equal(1, signerOnly.ExitCode);
        Assert.Contains("timestamp: TSA certificate chain of 'CN=BuildSign Test TSA", signerOnly.Output);
        Assert.Contains("not trusted (no path to a root trusted for timestamping)", signerOnly.Output);

        var both = cli.Run("verify", "--trusted-certificate", cli.Pki.RootPem, "--trusted-timestamp-certificate", cli.Pki.RootPem, file);
        Assert.True(both.ExitCode == 0, both.Output);
    }
}
