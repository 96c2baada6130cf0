using BuildSign.Testing;

namespace BuildSign.Cli.Tests;

/// <summary>One packed package for the class (packing costs seconds).</summary>
public sealed class PackedPackage : IDisposable
{
    private readonly PackedTestPackage _package = new("Cli.Sample", "2.0.0");

    public string Unsigned => _package.Unsigned;

    public DotnetCommand Dotnet => _package.Dotnet;

    public void Dispose() => _package.Dispose();
}

[Collection(CliCollection.Name)]
public sealed class NuGetSigningTests(CliFixture cli, PackedPackage package) : IClassFixture<PackedPackage>, IDisposable
{
    private readonly TempDirectory _dir = new("buildsign-cli-nupkg");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void SignsAPackageThatDotnetNuGetVerifyAcceptsWithItsTimestamp()
    {
        var nupkg = _dir.File("Cli.Sample.2.0.0.nupkg");
        File.Copy(package.Unsigned, nupkg);

        var result = cli.Run("sign", "--key", cli.Token.RsaKeyString, "--timestamp-url", cli.TimestampUrl.ToString(), nupkg);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains($"signed    {nupkg} (nupkg, sha256 ", result.StandardOutput);
        var verify = package.Dotnet.NuGetVerify(nupkg);
        Assert.True(verify.ExitCode == 0, verify.Output);
        Assert.Contains("Signature type: Author", verify.Output);
        Assert.Contains("Timestamp:", verify.Output);
        Assert.DoesNotContain("NU3027", verify.Output); // "the signature should be timestamped" must not appear

        var ours = cli.Run("verify", "--trusted-certificate", cli.Pki.RootPem, "--trusted-timestamp-certificate", cli.Pki.RootPem, nupkg);
        Assert.True(ours.ExitCode == 0, ours.Output);
        Assert.Contains("(nupkg, 1 signature)", ours.StandardOutput);

        var again = cli.Run("sign", "--key", cli.Token.RsaKeyString, "--on-existing-signature", "fail", nupkg);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains($"{nupkg}: already signed", again.StandardError);
    }

    [Fact]
    public void APackageThatIsNotAZipIsRefusedUnchanged()
    {
        var fake = _dir.File("fake.1.0.0.nupkg");
        File.WriteAllText(fake, "not a zip at all");
        var result = cli.Run("sign", "--key", cli.Token.RsaKeyString, fake);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{fake}: not a zip archive", result.StandardError);
        Assert.Equal("not a zip at all", File.ReadAllText(fake));
    }
}
