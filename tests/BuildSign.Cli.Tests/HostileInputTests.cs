using BuildSign.Testing;

namespace BuildSign.Cli.Tests;

/// <summary>What an attacker or an unlucky user hands the command line: FIFOs, forged names, PINs in the wrong place, mistyped options.</summary>
[Collection(CliCollection.Name)]
public sealed class HostileInputTests(CliFixture cli) : IDisposable
{
    private readonly TempDirectory _dir = new("buildsign-cli-hostile");

    public void Dispose() => _dir.Dispose();

    private string Fifo(string name)
    {
        var path = _dir.File(name);
        Assert.Equal(0, ExternalTool.Run("mkfifo", path).ExitCode);
        return path;
    }

    [Fact]
    public void FifosNeverHangSignVerifyOrADryRun()
    {
        var fifo = Fifo("pipe.dll");
        var pe = TestPeFiles.Unsigned(_dir, TestPeFiles.Pe32);

        // A hang would end in ExternalTool's timeout, failing the test.
        var named = cli.Run("sign", "--key", cli.Token.RsaKeyString, fifo);
        var dryRun = cli.Run("sign", "--key", cli.Token.RsaKeyString, "--dry-run", "--recursive", _dir.Path);
        var walked = cli.Run("sign", "--key", cli.Token.RsaKeyString, "--recursive", _dir.Path);
        var verify = cli.Run("verify", "--trusted-certificate", cli.Pki.RootPem, "--recursive", _dir.Path);
        var verifyNamed = cli.Run("verify", "--trusted-certificate", cli.Pki.RootPem, fifo);

        Assert.Equal(1, named.ExitCode);
        Assert.Contains($"{fifo}: is not a regular file (a FIFO, socket or device)", named.StandardError, StringComparison.Ordinal);
        Assert.True(dryRun.ExitCode == 0, dryRun.Output);
        Assert.DoesNotContain("pipe.dll", dryRun.StandardOutput, StringComparison.Ordinal);
        Assert.True(walked.ExitCode == 0, walked.Output);
        Assert.Contains("1 signed, 0 skipped, 0 failed", walked.StandardOutput, StringComparison.Ordinal);
        Assert.True(verify.ExitCode == 0, verify.Output);
        Assert.Contains($"valid     {pe} (pe, 1 signature)", verify.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(1, verifyNamed.ExitCode);
        Assert.Contains("not a regular file", verifyNamed.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void APinFileThatIsAFifoOrDevZeroIsRefusedWithoutHangingOrRunningOutOfMemory()
    {
        var notes = _dir.File("notes.txt");
        File.WriteAllText(notes, "notes");
        var fifo = Fifo("pin");

        foreach (var source in new[] { "file:" + fifo, "file:/dev/zero" })
        {
            var result = cli.Run("sign", "--key", cli.Token.KeyString("rsa", source), notes);
            Assert.Equal(1, result.ExitCode);
            Assert.Contains("the PIN file named by pin-source is not a regular file", result.StandardError, StringComparison.Ordinal);
            Assert.False(File.Exists(notes + ".p7s"));
        }
    }

    [Fact]
    public void ControlCharactersInFileNamesAreShownNotObeyed()
    {
        var forged = _dir.File("a\nsigned    forged.txt");
        var coloured = _dir.File("b\u001b[31mred.txt");
        File.WriteAllText(forged, "one");
        File.WriteAllText(coloured, "two");

        var result = cli.Run("sign", "--key", cli.Token.RsaKeyString, forged, coloured);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("a\\x0asigned    forged.txt (detached", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("b\\x1b[31mred.txt (detached", result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(result.StandardOutput.Split('\n'), line => line.StartsWith("signed    forged.txt", StringComparison.Ordinal));
        Assert.DoesNotContain('\u001b', result.Output);
        Assert.True(File.Exists(forged + ".p7s"));
    }

    [Theory]
    [InlineData("s3cret-4711")]
    [InlineData("/s3cret-4711")]
    public void APinTypedWhereItsSourceGoesIsNeverPrinted(string pinSource)
    {
        var notes = _dir.File("notes.txt");
        File.WriteAllText(notes, "notes");

        var result = cli.Run("sign", "--key", cli.Token.KeyString("rsa", pinSource), notes);

        Assert.Equal(1, result.ExitCode);
        Assert.DoesNotContain("s3cret", result.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(notes + ".p7s"));
    }

    [Theory]
    [InlineData("--timestamp-ur")]
    [InlineData("--bogus")]
    public void AMistypedOptionIsAUsageErrorAndNothingIsSigned(string option)
    {
        var notes = _dir.File("notes.txt");
        File.WriteAllText(notes, "notes");

        var result = cli.Run("sign", "--key", cli.Token.RsaKeyString, option, cli.TimestampUrl.ToString(), notes);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"unknown option '{option}'", result.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(notes + ".p7s"));
    }

    [Fact]
    public void AFileWhoseNameStartsWithADashCanStillBeNamedAfterTwoDashes()
    {
        var notes = _dir.File("-notes.txt");
        File.WriteAllText(notes, "notes");

        var result = cli.RunIn(_dir.Path, null, "sign", "--key", cli.Token.RsaKeyString, "--", "-notes.txt");

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.True(File.Exists(notes + ".p7s"));
    }
}
