using System.Security.Cryptography;
using System.Text.Json;
using BuildSign.Testing;
using BuildSign.DevTools.Timestamping;

namespace BuildSign.Cli.Tests;

[Collection(CliCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SignCommandTests(CliFixture cli) : IDisposable
{
    private readonly TempDirectory _dir = new("buildsign-cli");

    public void Dispose() => _dir.Dispose();

    private ToolResult Osslsigncode(string path) =>
        ExternalTool.Run("osslsigncode", "verify", "-CAfile", cli.Pki.RootPem, "-TSA-CAfile", cli.Pki.RootPem, "-in", path);

    private static string Sha256(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    [Fact]
    public void SignsPe32AndPe32PlusWithTheHsmKeyAndATimestamp()
    {
        var pe32 = TestPeFiles.Unsigned(_dir, TestPeFiles.Pe32);
        var pe64 = TestPeFiles.Unsigned(_dir, TestPeFiles.Pe32Plus, withOverlay: true);

        var result = cli.Run("sign", "--key", cli.Token.RsaKeyString, "--timestamp-url", cli.TimestampUrl.ToString(), "--description", "CLI test", pe32, pe64);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains($"signed    {pe32} (pe, sha256 ", result.StandardOutput);
        Assert.Contains("2 signed, 0 skipped, 0 failed", result.StandardOutput);
        Assert.Contains("(hardware-local)", result.StandardOutput);
        foreach (var file in new[] { pe32, pe64 })
        {
            var verify = Osslsigncode(file);
            Assert.True(verify.ExitCode == 0, verify.Output);
            Assert.Contains("Signature verification: ok", verify.StandardOutput);
            Assert.Contains("Timestamp verified using:", verify.StandardOutput);
            Assert.Contains("CLI test", verify.StandardOutput);
        }

        var ours = cli.Run("verify", "--trusted-certificate", cli.Pki.RootPem, "--trusted-timestamp-certificate", cli.Pki.RootPem, pe32, pe64);
        Assert.True(ours.ExitCode == 0, ours.Output);
        Assert.Contains("2 valid, 0 invalid", ours.StandardOutput);
        Assert.Contains("hardware-local", ours.StandardOutput);
        Assert.Contains("timestamp 20", ours.StandardOutput);
    }

    [Fact]
    public void SignsWithEcdsaAndSha384WithoutTimestamp()
    {
        var file = TestPeFiles.Unsigned(_dir, TestPeFiles.Pe32Plus);
        var result = cli.Run("sign", "--key", cli.Token.EcdsaKeyString, "--digest", "sha384", file);
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("sha384", result.StandardOutput);
        Assert.Contains("no timestamp", result.StandardOutput);
        Assert.Contains("warning: no timestamp server given", result.StandardError);
        var verify = Osslsigncode(file);
        Assert.True(verify.ExitCode == 0, verify.Output);
        Assert.Contains("Message digest algorithm  : SHA384", verify.StandardOutput);
    }

    [Fact]
    public void AppendNestsASecondSignatureAndEachVerifies()
    {
        var file = TestPeFiles.Unsigned(_dir, TestPeFiles.Pe32);
        Assert.Equal(0, cli.Run("sign", "--key", cli.Token.RsaKeyString, file).ExitCode);
        var second = cli.Run("sign", "--key", cli.Token.EcdsaKeyString, "--digest", "sha512", "--on-existing-signature", "append", "--timestamp-url", cli.TimestampUrl.ToString(), file);
        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Contains("appended", second.StandardOutput);

        var verify = Osslsigncode(file);
        var blocks = TestPeFiles.SignatureBlocks(verify);
        Assert.Equal(2, blocks.Count);
        Assert.All(blocks, b => Assert.Contains("Signature verification: ok", b));

        var ours = cli.Run("verify", "--trusted-certificate", cli.Pki.RootPem, "--trusted-timestamp-certificate", cli.Pki.RootPem, file);
        Assert.True(ours.ExitCode == 0, ours.Output);
        Assert.Contains("(pe, 2 signatures)", ours.StandardOutput);
    }

    [Fact]
    public void ReplaceLeavesOneSignatureAndFailPolicyRefusesUnchanged()
    {
        var file = TestPeFiles.Unsigned(_dir, TestPeFiles.Pe32);
        Assert.Equal(0, cli.Run("sign", "--key", cli.Token.RsaKeyString, file).ExitCode);
        var replaced = cli.Run("sign", "--key", cli.Token.EcdsaKeyString, file);
        Assert.True(replaced.ExitCode == 0, replaced.Output);
        Assert.Contains("replaced", replaced.StandardOutput);
        Assert.Single(TestPeFiles.SignatureBlocks(Osslsigncode(file)));

        var before = Sha256(file);
        var refused = cli.Run("sign", "--key", cli.Token.RsaKeyString, "--on-existing-signature", "fail", file);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains($"{file}: already signed", refused.StandardError);
        Assert.Equal(before, Sha256(file));
    }

    [Fact]
    public void BadInputsAreRefusedOneLineEachAndLeftUntouchedWhileGoodFilesAreSigned()
    {
        var good = TestPeFiles.Unsigned(_dir, TestPeFiles.Pe32);
        var empty = _dir.File("empty.dll");
        File.WriteAllBytes(empty, []);
        var text = _dir.File("readme.exe");
        File.WriteAllText(text, "this is not a program\n");
        var random = _dir.File("random.dll");
        File.WriteAllBytes(random, RandomNumberGenerator.GetBytes(4096));
        var elf = _dir.File("tool.dll");
        File.Copy("/bin/ls", elf);
        var truncated = _dir.File("truncated.dll");
        File.WriteAllBytes(truncated, File.ReadAllBytes(good).AsSpan(0, 300).ToArray());
        var missing = _dir.File("missing.dll");
        var bad = new[] { empty, text, random, elf, truncated };
        var hashes = bad.ToDictionary(f => f, Sha256);

        var result = cli.Run("sign", "--key", cli.Token.RsaKeyString, good, empty, text, random, elf, truncated, missing, _dir.Path);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"signed    {good}", result.StandardOutput);
        Assert.Contains($"{empty}: not a PE file", result.StandardError);
        Assert.Contains($"{text}: not a PE file", result.StandardError);
        Assert.Contains($"{random}: not a PE file", result.StandardError);
        Assert.Contains($"{elf}: not a PE file", result.StandardError);
        Assert.Contains($"{truncated}: truncated", result.StandardError);
        Assert.Contains($"{missing}: no such file or directory", result.StandardError);
        Assert.Contains($"{_dir.Path}: is a directory", result.StandardError);
        Assert.Contains("1 signed, 0 skipped, 7 failed", result.StandardOutput);
        Assert.DoesNotContain("   at ", result.Output); // no stack trace
        foreach (var (file, hash) in hashes)
        {
            Assert.Equal(hash, Sha256(file));
        }
        Assert.Empty(Directory.GetFiles(_dir.Path, "*.tmp"));
    }

    [Fact]
    public void ReadOnlyFileIsRefusedAndUnchanged()
    {
        var file = TestPeFiles.Unsigned(_dir, TestPeFiles.Pe32);
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.GroupRead);
        var before = Sha256(file);
        var result = cli.Run("sign", "--key", cli.Token.RsaKeyString, file);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{file}: read-only file", result.StandardError);
        Assert.Equal(before, Sha256(file));
    }

    [Fact]
    public void DryRunPrintsThePlanAndChangesNothing()
    {
        var unsigned = TestPeFiles.Unsigned(_dir, TestPeFiles.Pe32);
        var signed = _dir.File("signed.dll");
        File.Copy(TestPeFiles.Signed(TestPeFiles.Pe32Plus), signed);
        var notPe = _dir.File("bad.dll");
        File.WriteAllText(notPe, "text");
        var hashes = new[] { unsigned, signed, notPe }.ToDictionary(f => f, Sha256);

        var result = cli.Run("sign", "--key", "pkcs11:token=never-opened;object=x", "--dry-run", "--on-existing-signature", "append", unsigned, signed, notPe);

        Assert.Equal(1, result.ExitCode); // one file would be refused
        Assert.Contains($"sign     {unsigned} (pe)", result.StandardOutput);
        Assert.Contains($"append   {signed} (pe, 1 existing signature)", result.StandardOutput);
        Assert.Contains($"refuse   {notPe}: not a PE file", result.StandardOutput);
        foreach (var (file, hash) in hashes)
        {
            Assert.Equal(hash, Sha256(file));
        }

        var json = cli.Run("sign", "--key", "pkcs11:token=never-opened;object=x", "--dry-run", "--json", unsigned, signed);
        Assert.True(json.ExitCode == 0, json.Output);
        using var document = JsonDocument.Parse(json.StandardOutput);
        var actions = document.RootElement.GetProperty("plan").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Equal(["sign", "replace"], actions);
    }

    [Fact]
    public void JsonResultNamesEachFileWithDigestThumbprintAndTimestamp()
    {
        var file = TestPeFiles.Unsigned(_dir, TestPeFiles.Pe32);
        var notPe = _dir.File("bad.exe");
        File.WriteAllText(notPe, "text");
        var result = cli.Run("sign", "--key", cli.Token.RsaKeyString, "--timestamp-url", cli.TimestampUrl.ToString(), "--json", file, notPe);
        Assert.Equal(1, result.ExitCode);
        using var document = JsonDocument.Parse(result.StandardOutput);
        var files = document.RootElement.GetProperty("files").EnumerateArray().ToList();
        var signed = files.Single(f => f.GetProperty("file").GetString() == file);
        Assert.Equal("signed", signed.GetProperty("status").GetString());
        Assert.Equal(64, signed.GetProperty("digest").GetString()!.Length);
        Assert.Equal(cli.Pki.RsaLeaf.GetCertHashString(HashAlgorithmName.SHA256), signed.GetProperty("certificateThumbprint").GetString());
        Assert.NotEqual(JsonValueKind.Null, signed.GetProperty("timestampTime").ValueKind);
        var failed = files.Single(f => f.GetProperty("file").GetString() == notPe);
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Equal("not a PE file", failed.GetProperty("error").GetString());
    }

    [Fact]
    public void UsageErrorsExitWithTwo()
    {
        Assert.Equal(2, cli.Run("sign", "x.dll").ExitCode); // no --key
        Assert.Equal(2, cli.Run("sign", "--key", "file:k.pfx", "--digest", "sha1", "x.dll").ExitCode);
        Assert.Equal(2, cli.Run("sign", "--key", "file:k.pfx", "--on-existing-signature", "maybe", "x.dll").ExitCode);
        Assert.Equal(2, cli.Run("frobnicate").ExitCode);
        var badUrl = cli.Run("sign", "--key", "file:k.pfx", "--timestamp-url", "not a url", "x.dll");
        Assert.Equal(2, badUrl.ExitCode);
        Assert.Contains("--timestamp-url 'not a url' is not an http or https URL", badUrl.StandardError);
        var badContext = cli.Run("sign", "--key", "file:k.pfx", "--run-context", "pipeline=ci", "--run-context", "no-equals-sign", "x.dll");
        Assert.Equal(2, badContext.ExitCode);
        Assert.Contains("--run-context 'no-equals-sign' is not of the form name=value", badContext.StandardError);
    }

    [Fact]
    public void WrongPinIsAClearErrorThatNeverShowsThePin()
    {
        var file = TestPeFiles.Unsigned(_dir, TestPeFiles.Pe32);
        var before = Sha256(file);
        const string wrongPin = "987654321-wrong";
        var key = cli.Token.KeyString("rsa", pinSource: "env:BUILDSIGN_TEST_WRONG_PIN");
        var result = cli.RunWith(new Dictionary<string, string?> { ["BUILDSIGN_TEST_WRONG_PIN"] = wrongPin }, "sign", "--key", key, file);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("wrong PIN", result.StandardError);
        Assert.DoesNotContain(wrongPin, result.Output);
        Assert.DoesNotContain(cli.Token.Pin, result.Output);
        Assert.Equal(before, Sha256(file));
    }

    [Fact]
    public void RecursiveSignsThePeFilesOfADirectoryAndLeavesOtherFilesAlone()
    {
        var sub = Directory.CreateDirectory(_dir.File("bin/sub")).FullName;
        var a = TestPeFiles.Unsigned(_dir, TestPeFiles.Pe32);
        var b = TestPeFiles.Unsigned(_dir, TestPeFiles.Pe32Plus);
        File.Move(a, Path.Combine(sub, "a.dll"));
        File.Move(b, Path.Combine(_dir.File("bin"), "b.exe"));
        File.WriteAllText(Path.Combine(sub, "notes.txt"), "not signed");

        var result = cli.Run("sign", "--key", cli.Token.RsaKeyString, "--recursive", _dir.File("bin"));
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("2 signed, 0 skipped, 0 failed", result.StandardOutput);
        Assert.False(File.Exists(Path.Combine(sub, "notes.txt.p7s")));
        Assert.True(Osslsigncode(Path.Combine(sub, "a.dll")).ExitCode == 0);
    }

    [Fact]
    public void SoftwareKeysSayItOnEveryLine()
    {
        var file = TestPeFiles.Unsigned(_dir, TestPeFiles.Pe32);
        var result = cli.Run("sign", "--key", "file:" + cli.Pki.RsaPfx, file);
        Assert.True(result.ExitCode == 0, result.Output);
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, l => Assert.Contains("software key", l));
        var verify = cli.Run("verify", "--trusted-certificate", cli.Pki.RootPem, "--trusted-timestamp-certificate", cli.Pki.RootPem, "--refuse-software-keys", file);
        Assert.Equal(1, verify.ExitCode);
        Assert.Contains("software key", verify.Output);
    }

    [Fact]
    public void AnUnreachableTimestampServerFallsBackToTheNextUrl()
    {
        var file = TestPeFiles.Unsigned(_dir, TestPeFiles.Pe32);
        var closedPort = ClosedPort();
        var result = cli.Run("sign", "--key", cli.Token.RsaKeyString, "--timestamp-url", $"http://127.0.0.1:{closedPort}/", "--timestamp-url", cli.TimestampUrl.ToString(), file);
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("timestamp 20", result.StandardOutput);
    }

    [Fact]
    public async Task TimestampConcurrencyBoundsTheRequestsInFlight()
    {
        var authority = BuildSign.DevTools.Timestamping.TimestampAuthority.FromPemFiles(cli.Pki.TsaLeafPem, cli.Pki.TsaKeyPem);
        await using var slowTsa = new BuildSign.DevTools.Timestamping.TimestampAuthorityServer(authority, new() { Latency = TimeSpan.FromMilliseconds(150) });
        slowTsa.Start();
        var source = TestPeFiles.Unsigned(_dir, TestPeFiles.Pe32);
        var files = Enumerable.Range(0, 6).Select(i => _dir.File($"c{i}.dll")).ToArray();
        foreach (var file in files)
        {
            File.Copy(source, file);
        }

        var result = cli.Run(["sign", "--key", cli.Token.RsaKeyString, "--timestamp-url", slowTsa.Url.ToString(), "--timestamp-concurrency", "2", .. files]);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal(6, slowTsa.RequestCount);
        Assert.InRange(slowTsa.MaxInFlight, 1, 2);
        Assert.Equal(2, cli.Run("sign", "--key", "file:k.pfx", "--timestamp-concurrency", "0", "x.dll").ExitCode);
    }

    [Fact]
    public void VerifyReportsATamperedFile()
    {
        var file = TestPeFiles.Unsigned(_dir, TestPeFiles.Pe32);
        Assert.Equal(0, cli.Run("sign", "--key", cli.Token.RsaKeyString, file).ExitCode);
        TestPeFiles.FlipByte(file, 1024);
        var result = cli.Run("verify", "--trusted-certificate", cli.Pki.RootPem, "--trusted-timestamp-certificate", cli.Pki.RootPem, file);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"INVALID", result.StandardError);
        Assert.Contains("0 valid, 1 invalid", result.StandardOutput);
        Assert.NotEqual(0, Osslsigncode(file).ExitCode);
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public void TheJsonResultIsTheVersionedContractAndSaysWhenThereIsNoTimestamp()
    {
        var file = TestPeFiles.Unsigned(_dir, TestPeFiles.Pe32Plus);

        var result = cli.Run("sign", "--key", cli.Token.EcdsaKeyString, "--json", file);

        Assert.True(result.ExitCode == 0, result.Output);
        using var json = JsonDocument.Parse(result.StandardOutput);
        Assert.Equal(1, json.RootElement.GetProperty("schemaVersion").GetInt32());
        Assert.True(json.RootElement.GetProperty("succeeded").GetBoolean());
        Assert.Equal("none", json.RootElement.GetProperty("timestamp").GetString());
        Assert.Contains("no timestamp server", json.RootElement.GetProperty("warnings")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal("signed", json.RootElement.GetProperty("files")[0].GetProperty("status").GetString());
    }

    [Fact]
    public void AFileNameWithControlCharactersCannotForgeAnOutputLine()
    {
        var file = _dir.File("evil\nsigned    fake.dll\u001b[31m.txt");
        File.WriteAllText(file, "text");

        var result = cli.Run("sign", "--key", $"file:{cli.Pki.RsaPfx}", "--timestamp-url", cli.TimestampUrl.ToString(), file);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("evil\\x0asigned    fake.dll\\x1b[31m.txt", result.StandardOutput);
        Assert.DoesNotContain("\u001b", result.Output);
        Assert.DoesNotContain(result.StandardOutput.Split('\n'), line => line.StartsWith("signed    fake.dll", StringComparison.Ordinal));
    }

    [Fact]
    public void AnInteractiveTerminalShowsLiveProgressWhileRedirectedOutputGetsOnlyTheFinalLines()
    {
        var onTerminal = _dir.File("terminal.txt");
        var redirected = _dir.File("redirected.txt");
        File.WriteAllText(onTerminal, "text");
        File.WriteAllText(redirected, "text");
        var buildsign = Path.Combine(AppContext.BaseDirectory, "buildsign.dll");

        // script(1) runs the command on a pseudo-terminal, as a user's shell would.
        var terminal = ExternalTool.Run("script", ["-qec", $"dotnet '{buildsign}' sign --key 'file:{cli.Pki.RsaPfx}' '{onTerminal}'", "/dev/null"],
            new Dictionary<string, string?> { ["DOTNET_NOLOGO"] = "1" }, timeout: TimeSpan.FromMinutes(2));
        var piped = cli.Run("sign", "--key", $"file:{cli.Pki.RsaPfx}", redirected);

        Assert.True(terminal.ExitCode == 0, terminal.Output);
        Assert.Contains("\u001b[2Ksigning: 1/1", terminal.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("1 signed, 0 skipped, 0 failed", terminal.StandardOutput, StringComparison.Ordinal);
        Assert.True(piped.ExitCode == 0, piped.Output);
        Assert.DoesNotContain("signing: ", piped.Output, StringComparison.Ordinal);
    }
}
