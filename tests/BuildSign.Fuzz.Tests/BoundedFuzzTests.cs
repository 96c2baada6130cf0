using System.Globalization;
using Xunit.Abstractions;

namespace BuildSign.Fuzz.Tests;

/// <summary>
/// The bounded fuzz run every test run does: a few seconds per target from a fixed seed, so CI is
/// repeatable. The long run is the same test with a larger budget and a new seed each time:
/// <c>BUILDSIGN_FUZZ_SECONDS=600 BUILDSIGN_FUZZ_SEED=random dotnet test tests/BuildSign.Fuzz.Tests -c Release --filter BoundedFuzzTests</c>
/// (docs/reliability.md). Findings are saved under BUILDSIGN_FUZZ_FINDINGS (default: a folder in
/// the temp directory) and named in the failure.
/// </summary>
public sealed class BoundedFuzzTests(ITestOutputHelper output)
{
    public static TheoryData<string> Targets => [.. FuzzTargets.All.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task NoInputCrashesOrHangsTheParser(string target)
    {
        var budget = TimeSpan.FromSeconds(double.Parse(Environment.GetEnvironmentVariable("BUILDSIGN_FUZZ_SECONDS") ?? "5", CultureInfo.InvariantCulture));
        var seedText = Environment.GetEnvironmentVariable("BUILDSIGN_FUZZ_SEED") ?? "20261201";
        var seed = seedText == "random" ? Random.Shared.Next() : int.Parse(seedText, CultureInfo.InvariantCulture);
        var findings = Environment.GetEnvironmentVariable("BUILDSIGN_FUZZ_FINDINGS") ?? Path.Combine(Path.GetTempPath(), "buildsign-fuzz-findings");

        var report = await FuzzCampaign.RunAsync(FuzzTargets.Named(target), seed, budget, findings);

        output.WriteLine(report.Summary);
        Console.WriteLine($"fuzz report: {report.Summary}");
        Assert.True(report.Findings.Count == 0, $"{report.Summary}:\n{string.Join("\n", report.Findings)}");
    }
}
