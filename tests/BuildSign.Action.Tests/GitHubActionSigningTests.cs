using System.Security.Cryptography;
using System.Text.Json;
using BuildSign.Testing;

namespace BuildSign.Action.Tests;

/// <summary>The action signing with a PKCS#11 key (SoftHSM2) and a local timestamp server, as a process with a simulated runner.</summary>
[Collection(ActionCollection.Name)]
public sealed class GitHubActionSigningTests(ActionFixture fixture) : IDisposable
{
    private readonly SimulatedRunner _runner = new();

    public void Dispose() => _runner.Dispose();

    [Fact]
    public void SignsSelectedFilesWithThePinInputAndWritesOutputsAndSummary()
    {
        var pe32 = _runner.CopyToWorkspace(UnsignedPe.Pe32, "out/app.dll");
        var pe64 = _runner.CopyToWorkspace(UnsignedPe.Pe32Plus, "out/sub/lib.dll");
        var excluded = _runner.CopyToWorkspace(UnsignedPe.Pe32, "out/sub/excluded.dll");
        var notes = _runner.WorkspaceFile("out/notes.txt", "release notes\n"u8.ToArray());
        var unrelated = _runner.WorkspaceFile("out/data.json", "{}"u8.ToArray());
        var excludedBefore = File.ReadAllBytes(excluded);
        _runner
            .Input("key", fixture.RsaKeyWithoutPinSource)
            .Input("pin", fixture.Token.Pin)
            .Input("files", "out/**/*.dll\n!**/excluded.dll\nout/notes.txt\n")
            .Input("timestamp-url", fixture.TimestampUrl + "\n")
            .Input("description", "Action test");

        var result = _runner.Run();

        Assert.True(result.ExitCode == 0, result.Output);
        LogAssert.MaskedOnly(result, fixture.Token.Pin);
        Assert.Contains("::group::Signing 3 files", result.StandardOutput);
        Assert.Contains("::endgroup::", result.StandardOutput);
        foreach (var file in new[] { pe32, pe64 })
        {
            var verify = fixture.Osslsigncode(file);
            Assert.True(verify.ExitCode == 0, verify.Output);
            Assert.Contains("Signature verification: ok", verify.StandardOutput);
            Assert.Contains("Timestamp verified using:", verify.StandardOutput);
            Assert.Contains("Action test", verify.StandardOutput);
        }
        var cms = fixture.OpensslCms(notes, notes + ".p7s");
        Assert.True(cms.ExitCode == 0, cms.Output);
        Assert.Equal(excludedBefore, File.ReadAllBytes(excluded));
        Assert.False(File.Exists(unrelated + ".p7s"));

        var outputs = _runner.Outputs();
        Assert.Equal(["out/app.dll", "out/notes.txt", "out/sub/lib.dll"], JsonSerializer.Deserialize<string[]>(outputs["signed-files"])!.Order(StringComparer.Ordinal));
        Assert.Equal("3", outputs["signed-count"]);
        Assert.Equal("0", outputs["skipped-count"]);
        Assert.Equal("0", outputs["failed-count"]);
        Assert.Equal(fixture.Pki.RsaLeaf.GetCertHashString(HashAlgorithmName.SHA256), outputs["certificate-thumbprint"]);

        var summary = _runner.Summary;
        Assert.Contains("| File | Format | Digest | Timestamp | Key protection | Result |", summary);
        Assert.Contains("| `out/app.dll` | pe | sha256 `", summary);
        Assert.Contains("| `out/notes.txt` | detached | sha256 `", summary);
        Assert.Contains("| hardware-local | signed |", summary);
        Assert.Contains("**3 signed, 0 skipped, 0 failed**", summary);
        Assert.DoesNotContain(fixture.Token.Pin, summary);
    }

    [Fact]
    public void AFileThatCannotBeSignedIsAnErrorAnnotationOnItsEscapedWorkspacePath()
    {
        var good = _runner.CopyToWorkspace(UnsignedPe.Pe32, "bin/good.dll");
        var badBytes = "MZ this is not a PE file at all"u8.ToArray();
        var bad = _runner.WorkspaceFile("bin/we,ird:100%.exe", badBytes);
        _runner
            .Input("key", fixture.Token.RsaKeyString)
            .Input("files", "bin/good.dll\nbin/we,ird:100%.exe");

        var result = _runner.Run();

        Assert.Equal(1, result.ExitCode);
        var error = Assert.Single(LogAssert.Errors(result));
        Assert.StartsWith("::error file=bin/we%2Cird%3A100%25.exe,title=Not signed::bin/we,ird:100%25.exe: ", error);
        Assert.Equal(badBytes, File.ReadAllBytes(bad));
        Assert.True(fixture.Osslsigncode(good).ExitCode == 0);
        var outputs = _runner.Outputs();
        Assert.Equal("1", outputs["signed-count"]);
        Assert.Equal("1", outputs["failed-count"]);
        Assert.Equal(["bin/good.dll"], JsonSerializer.Deserialize<string[]>(outputs["signed-files"])!);
        Assert.Contains("failed", _runner.Summary);
    }

    [Fact]
    public void DryRunPlansAndChangesNothing()
    {
        var file = _runner.CopyToWorkspace(UnsignedPe.Pe32, "out/app.dll");
        var before = File.ReadAllBytes(file);
        _runner.Input("key", fixture.Token.RsaKeyString).Input("files", "out/*.dll").Input("dry-run", "true");

        var result = _runner.Run();

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal(before, File.ReadAllBytes(file));
        Assert.Equal("0", _runner.Outputs()["signed-count"]);
        Assert.Contains("dry run", _runner.Summary);
    }
}
