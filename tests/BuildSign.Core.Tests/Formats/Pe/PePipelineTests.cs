using BuildSign.Core.Formats;
using BuildSign.Core.Formats.Pe;
using BuildSign.Core.Pipeline;
using BuildSign.Core.Tests.Formats.Containers;
using BuildSign.Testing;

namespace BuildSign.Core.Tests.Formats.Pe;

public class PePipelineTests
{
    [Fact]
    public async Task ThePipelineSignsAFolderOfPeFilesInOneBatchAndRefusesTheBadOne()
    {
        using var dir = new TempDirectory();
        var good = new[]
        {
            TestPeFiles.Unsigned(dir, TestPeFiles.Pe32),
            TestPeFiles.Unsigned(dir, TestPeFiles.Pe32Plus, withOverlay: true),
        };
        var renamed = dir.File("driver.sys");
        File.Move(good[1], renamed);
        good[1] = renamed;
        File.WriteAllText(dir.File("broken.dll"), "not really a dll");

        var options = new SigningRunOptions { Paths = [dir.Path], Recursive = true, OnExistingSignature = ExistingSignatureAction.Replace };
        var plan = await new SigningPlanner(new FormatRegistry([new PeFormat()])).PlanAsync(options, CancellationToken.None);
        await using var key = new CountingSigningKey(PeSigning.Key("rsa"));
        var result = await new SigningPipeline(key, timestamper: null).ExecuteAsync(plan, options, CancellationToken.None);

        Assert.Equal([2], key.Batches); // both good files' digests in one batch, none for the bad one
        var broken = Assert.Single(result.Files, f => f.Path.EndsWith("broken.dll", StringComparison.Ordinal));
        Assert.Equal(FileSigningStatus.Failed, broken.Status);
        Assert.Contains("not a PE file", broken.Error);
        Assert.Equal("not really a dll", File.ReadAllText(dir.File("broken.dll")));
        foreach (var path in good)
        {
            Assert.Equal(FileSigningStatus.Signed, Assert.Single(result.Files, f => f.Path == path).Status);
            var verify = TestPeFiles.VerifyWithOsslsigncode(path);
            Assert.True(verify.ExitCode == 0, verify.Output);
        }
    }
}
