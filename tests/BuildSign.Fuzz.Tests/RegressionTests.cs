namespace BuildSign.Fuzz.Tests;

/// <summary>Every input the fuzzer ever found (Findings/TARGET/*.bin) is run again: it must now be accepted or refused cleanly.</summary>
public sealed class RegressionTests
{
    public static TheoryData<string, string> Findings
    {
        get
        {
            var data = new TheoryData<string, string>();
            var root = Path.Combine(AppContext.BaseDirectory, "Findings");
            var files = Directory.Exists(root) ? Directory.EnumerateFiles(root, "*.bin", SearchOption.AllDirectories) : Enumerable.Empty<string>();
            foreach (var file in files.Order(StringComparer.Ordinal))
            {
                data.Add(Path.GetFileName(Path.GetDirectoryName(file)!), Path.GetFileName(file));
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Findings))]
    public async Task AFindingIsNowAcceptedOrRefusedCleanly(string target, string finding)
    {
        using var dir = new BuildSign.Testing.TempDirectory("buildsign-fuzz-regression");
        var fuzzTarget = FuzzTargets.Named(target);
        var input = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "Findings", target, finding));

        var outcome = await FuzzCampaign.RunOneAsync(fuzzTarget, dir.File(fuzzTarget.FileName), input);

        Assert.True(outcome is null or BuildSign.Core.SigningException, outcome?.ToString());
    }
}
