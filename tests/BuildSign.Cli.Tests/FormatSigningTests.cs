using System.Formats.Asn1;
using System.Text;
using BuildSign.Core.Cms;
using BuildSign.Core.Formats;
using BuildSign.Testing;
using BuildSign.Core;

namespace BuildSign.Cli.Tests;

/// <summary>
/// Every format through the same command line, timestamped by the loopback TSA, each checked by
/// a verifier this project did not write.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class FormatSigningTests(CliFixture cli) : IDisposable
{
    private readonly TempDirectory _dir = new("buildsign-cli-formats");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void SignsAPowerShellScriptThatOsslsigncodeVerifiesWithItsTimestamp()
    {
        var script = _dir.File("deploy.ps1");
        File.WriteAllText(script, "param([string]$Name)\r\nWrite-Host \"Hello, $Name\"\r\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        var result = cli.Run("sign", "--key", cli.Token.RsaKeyString, "--timestamp-url", cli.TimestampUrl.ToString(), script);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains($"signed    {script} (script, sha256 ", result.StandardOutput);
        Assert.Contains("# SIG # Begin signature block\r\n", File.ReadAllText(script));
        var verify = ExternalTool.Run("osslsigncode", "verify", "-CAfile", cli.Pki.RootPem, "-TSA-CAfile", cli.Pki.RootPem, "-in", script);
        Assert.True(verify.ExitCode == 0, verify.Output);
        Assert.Contains("Timestamp verified using:", verify.StandardOutput);
        var ours = cli.Run("verify", "--trusted-certificate", cli.Pki.RootPem, "--trusted-timestamp-certificate", cli.Pki.RootPem, script);
        Assert.True(ours.ExitCode == 0, ours.Output);
        Assert.Contains("(script, 1 signature)", ours.StandardOutput);
    }

    [Fact]
    public void A_BOM_less_script_with_non_ASCII_text_is_signed_with_a_warning_naming_it_and_the_block_is_CRLF()
    {
        var script = _dir.File("grüße.ps1");
        File.WriteAllBytes(script, Encoding.UTF8.GetBytes("Write-Host 'Grüße'\nGet-Date\n"));

        var result = cli.Run("sign", "--key", cli.Token.RsaKeyString, script);

        Assert.True(result.ExitCode == 0, result.Output);
        var warning = Assert.Single(result.StandardError.Split('\n'), l => l.StartsWith("warning", StringComparison.Ordinal) && l.Contains(script, StringComparison.Ordinal));
        Assert.Contains("without a byte order mark", warning, StringComparison.Ordinal);
        Assert.Contains("UTF-8 with a byte order mark", warning, StringComparison.Ordinal);
        var text = File.ReadAllText(script);
        Assert.StartsWith("Write-Host 'Grüße'\nGet-Date\n\r\n# SIG # Begin signature block\r\n", text, StringComparison.Ordinal);
        Assert.EndsWith("\r\n# SIG # End signature block\r\n", text, StringComparison.Ordinal);

        var ascii = _dir.File("plain.ps1");
        File.WriteAllText(ascii, "Get-Date\n");
        var quiet = cli.Run("sign", "--key", cli.Token.RsaKeyString, ascii);
        Assert.True(quiet.ExitCode == 0, quiet.Output);
        Assert.DoesNotContain("byte order mark", quiet.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void SignsAnyOtherFileWithADetachedSignatureThatOpenSslVerifiesTokenIncluded()
    {
        var archive = _dir.File("tools.tar.gz");
        File.WriteAllBytes(archive, [0x1f, 0x8b, 8, 0, .. Enumerable.Range(0, 5000).Select(i => (byte)(i * 31))]);

        var result = cli.Run("sign", "--key", cli.Token.EcdsaKeyString, "--timestamp-url", cli.TimestampUrl.ToString(), archive);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains($"signed    {archive} (detached, sha256 ", result.StandardOutput);
        var signature = archive + ".p7s";
        var cms = ExternalTool.Run("openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", signature, "-content", archive, "-CAfile", cli.Pki.RootPem, "-purpose", "any", "-out", "/dev/null");
        Assert.True(cms.ExitCode == 0, cms.Output);

        // The timestamp token, checked by openssl ts against the signature value it covers.
        var parsed = CmsSignatureReader.Read(File.ReadAllBytes(signature));
        var token = Assert.Single(parsed.UnsignedValues(WellKnownOids.SignatureTimeStampToken));
        File.WriteAllBytes(_dir.File("token.der"), token.ToArray());
        File.WriteAllBytes(_dir.File("signature.bin"), parsed.SignatureValue.ToArray());
        var ts = ExternalTool.Run("openssl", "ts", "-verify", "-in", _dir.File("token.der"), "-token_in", "-data", _dir.File("signature.bin"), "-CAfile", cli.Pki.RootPem, "-untrusted", cli.Pki.TsaLeafPem);
        Assert.True(ts.ExitCode == 0, ts.Output);
        Assert.Contains("Verification: OK", ts.StandardOutput);

        var ours = cli.Run("verify", "--trusted-certificate", cli.Pki.RootPem, "--trusted-timestamp-certificate", cli.Pki.RootPem, archive);
        Assert.True(ours.ExitCode == 0, ours.Output);
        Assert.Contains("(detached, 1 signature)", ours.StandardOutput);

        TestPeFiles.FlipByte(archive, 100);
        Assert.NotEqual(0, ExternalTool.Run("openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", signature, "-content", archive, "-CAfile", cli.Pki.RootPem, "-purpose", "any", "-out", "/dev/null").ExitCode);
        var tampered = cli.Run("verify", "--trusted-certificate", cli.Pki.RootPem, "--trusted-timestamp-certificate", cli.Pki.RootPem, archive);
        Assert.Equal(1, tampered.ExitCode);
        Assert.Contains("digest mismatch", tampered.Output);
    }

    [Fact]
    public void TheKeyProtectionStatementIsASignedAttributeThatOpenSslShows()
    {
        var file = _dir.File("firmware.bin");
        File.WriteAllBytes(file, Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray());
        Assert.Equal(0, cli.Run("sign", "--key", cli.Token.RsaKeyString, file).ExitCode);
        var printed = ExternalTool.Run("openssl", "cms", "-cmsout", "-print", "-inform", "DER", "-in", file + ".p7s");
        Assert.True(printed.ExitCode == 0, printed.Output);
        Assert.Contains(WellKnownOids.KeyProtectionAttribute, printed.StandardOutput);
        Assert.Contains("hardware-local", printed.StandardOutput);
        var asn = new AsnWriter(AsnEncodingRules.DER);
        asn.WriteCharacterString(UniversalTagNumber.UTF8String, "hardware-local");
        Assert.True(File.ReadAllBytes(file + ".p7s").AsSpan().IndexOf(asn.Encode()) > 0);
    }
}
