using BuildSign.Testing;

namespace BuildSign.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class KeysAndDevCommandTests(CliFixture cli) : IDisposable
{
    private readonly TempDirectory _dir = new("buildsign-cli-dev");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void KeysListShowsTheTokensKeysAndCertificates()
    {
        // Like p11tool, the listing shows the objects the URI matches: a URI naming only the token shows them all.
        var result = cli.Run("keys", "list", "--key", cli.Token.RsaKeyString.Replace(";object=rsa", "", StringComparison.Ordinal));
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains($"token {cli.Token.TokenLabel}", result.StandardOutput);
        Assert.Contains("label=rsa id=01 RSA-3072", result.StandardOutput);
        Assert.Contains("label=ecdsa id=02 ECDSA-256", result.StandardOutput);
        Assert.Contains("CN=BuildSign Test Signer RSA", result.StandardOutput);
        Assert.DoesNotContain(cli.Token.Pin, result.Output);

        var one = cli.Run("keys", "list", "--key", cli.Token.EcdsaKeyString);
        Assert.True(one.ExitCode == 0, one.Output);
        Assert.Contains("1 private key:", one.StandardOutput);
        Assert.DoesNotContain("label=rsa", one.StandardOutput);
    }

    [Fact]
    public void DevInitCreatesATokenWhoseKeySignsWhatOsslsigncodeAccepts()
    {
        var folder = _dir.File("hsm");
        var envFile = _dir.File("env");
        var init = cli.RunWith(new Dictionary<string, string?> { ["SOFTHSM2_CONF"] = null }, "dev", "init", "--dir", folder, "--env-file", envFile);
        Assert.True(init.ExitCode == 0, init.Output);
        Assert.Contains("created the dev token", init.StandardOutput);
        var keyLine = File.ReadAllLines(envFile).Single(l => l.StartsWith("export BUILDSIGN_KEY=", StringComparison.Ordinal));
        var key = keyLine["export BUILDSIGN_KEY='".Length..^1];
        Assert.StartsWith("pkcs11:token=buildsign-dev;object=signer", key);
        var pin = File.ReadAllText(Path.Combine(folder, "pin")).Trim();
        // The PIN file is the PIN and a line break, no byte order mark: other PKCS#11 tools read it raw.
        Assert.Equal(System.Text.Encoding.ASCII.GetBytes(pin + "\n"), File.ReadAllBytes(Path.Combine(folder, "pin")));
        Assert.DoesNotContain(pin, init.Output);
        Assert.DoesNotContain(pin, key);

        var again = cli.RunWith(new Dictionary<string, string?> { ["SOFTHSM2_CONF"] = null }, "dev", "init", "--dir", folder);
        Assert.True(again.ExitCode == 0, again.Output);
        Assert.Contains("is ready", again.StandardOutput);

        var file = TestPeFiles.Unsigned(_dir, TestPeFiles.Pe32);
        var sign = cli.RunWith(new Dictionary<string, string?> { ["SOFTHSM2_CONF"] = null }, "sign", "--key", key, file);
        Assert.True(sign.ExitCode == 0, sign.Output);
        var verify = ExternalTool.Run("osslsigncode", "verify", "-CAfile", Path.Combine(folder, "dev-root.pem"), "-in", file);
        Assert.True(verify.ExitCode == 0, verify.Output);
        Assert.Contains("BuildSign Dev Signer", verify.StandardOutput);
    }
}
