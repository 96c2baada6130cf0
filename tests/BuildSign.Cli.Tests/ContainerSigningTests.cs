using System.IO.Compression;
using BuildSign.Testing;

namespace BuildSign.Cli.Tests;

/// <summary>Containers signed inside-out from the command line.</summary>
[Collection(CliCollection.Name)]
public sealed class ContainerSigningTests(CliFixture cli) : IDisposable
{
    private readonly TempDirectory _dir = new("buildsign-cli-containers");

    public void Dispose() => _dir.Dispose();

    private string MakeZip()
    {
        var zip = _dir.File("bundle.zip");
        var unsigned = TestPeFiles.Unsigned(_dir, TestPeFiles.Pe32);
        using var archive = ZipFile.Open(zip, ZipArchiveMode.Create);
        archive.CreateEntryFromFile(unsigned, "bin/ours.dll", CompressionLevel.Optimal);
        archive.CreateEntryFromFile(TestPeFiles.Signed(TestPeFiles.Pe32Plus), "bin/thirdparty.dll", CompressionLevel.Optimal);
        using (var writer = new StreamWriter(archive.CreateEntry("readme.txt", CompressionLevel.NoCompression).Open()))
        {
            writer.Write("not signed, never changed");
        }
        return zip;
    }

    private string Extract(string zip, string entry)
    {
        var path = _dir.File(Path.GetFileName(entry) + "-" + Guid.NewGuid().ToString("N")[..6] + ".dll");
        using var archive = ZipFile.OpenRead(zip);
        archive.GetEntry(entry)!.ExtractToFile(path);
        return path;
    }

    private ToolResult Osslsigncode(string path) =>
        ExternalTool.Run("osslsigncode", "verify", "-CAfile", cli.Pki.RootPem, "-TSA-CAfile", cli.Pki.RootPem, "-in", path);

    [Fact]
    public void DryRunShowsTheTreeAndChangesNothing()
    {
        var zip = MakeZip();
        var before = File.ReadAllBytes(zip);
        var result = cli.Run("sign", "--key", cli.Token.RsaKeyString, "--recursive", "--dry-run", zip);
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains($"  sign     {zip} (zip → {zip}.p7s)", result.StandardOutput);
        Assert.Contains($"    sign     {zip}!bin/ours.dll (pe)", result.StandardOutput);
        Assert.Contains($"    skip     {zip}!bin/thirdparty.dll: already signed", result.StandardOutput);
        Assert.DoesNotContain("readme.txt", result.StandardOutput);
        Assert.Equal(before, File.ReadAllBytes(zip));
        Assert.False(File.Exists(zip + ".p7s"));
    }

    [Fact]
    public void SignsInnerFilesThenTheContainerAndKeepsThirdPartySignaturesByDefault()
    {
        var zip = MakeZip();
        var result = cli.Run("sign", "--key", cli.Token.RsaKeyString, "--recursive", "--timestamp-url", cli.TimestampUrl.ToString(), zip);
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains($"signed    {zip}!bin/ours.dll (pe", result.StandardOutput);
        Assert.Contains($"skipped   {zip}!bin/thirdparty.dll: already signed", result.StandardOutput);

        var ours = Osslsigncode(Extract(zip, "bin/ours.dll"));
        Assert.True(ours.ExitCode == 0, ours.Output);
        Assert.Contains("BuildSign Test Signer RSA", ours.StandardOutput);
        var thirdParty = Osslsigncode(Extract(zip, "bin/thirdparty.dll"));
        Assert.Contains("Microsoft", thirdParty.StandardOutput);
        Assert.DoesNotContain("BuildSign Test Signer", thirdParty.StandardOutput);

        var cms = ExternalTool.Run("openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", zip + ".p7s", "-content", zip, "-CAfile", cli.Pki.RootPem, "-purpose", "any", "-out", "/dev/null");
        Assert.True(cms.ExitCode == 0, cms.Output);
        var verify = cli.Run("verify", "--trusted-certificate", cli.Pki.RootPem, "--trusted-timestamp-certificate", cli.Pki.RootPem, zip);
        Assert.True(verify.ExitCode == 0, verify.Output);
        Assert.Contains($"valid     {zip} (zip, 1 signature)", verify.StandardOutput);
        using var archive = ZipFile.OpenRead(zip);
        Assert.Equal(["bin/ours.dll", "bin/thirdparty.dll", "readme.txt"], archive.Entries.Select(e => e.FullName));
    }

    [Fact]
    public void AnExplicitPolicyAppliesToInnerFilesToo()
    {
        var zip = MakeZip();
        var result = cli.Run("sign", "--key", cli.Token.RsaKeyString, "--recursive", "--on-existing-signature", "replace", zip);
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains($"replaced  {zip}!bin/thirdparty.dll (pe", result.StandardOutput);
        var thirdParty = Osslsigncode(Extract(zip, "bin/thirdparty.dll"));
        Assert.True(thirdParty.ExitCode == 0, thirdParty.Output);
        Assert.Single(TestPeFiles.SignatureBlocks(thirdParty));
        Assert.Contains("BuildSign Test Signer RSA", thirdParty.StandardOutput);
    }
}
