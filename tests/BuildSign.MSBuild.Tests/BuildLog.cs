using BuildSign.Testing;

namespace BuildSign.MSBuild.Tests;

/// <summary>What a <c>dotnet build/publish/pack</c> run printed and how it ended.</summary>
public sealed record BuildLog(int ExitCode, string Output)
{
    public static BuildLog Of(ToolResult result) => new(result.ExitCode, result.Output);

    /// <summary>The BuildSign summary lines ("BuildSign: N signed, N skipped in …").</summary>
    public IReadOnlyList<string> Summaries => [.. Lines.Where(l => l.StartsWith("BuildSign: ", StringComparison.Ordinal) && l.Contains(" signed, ", StringComparison.Ordinal))];

    public IEnumerable<string> Lines => Output.Split('\n').Select(l => l.Trim());

    public void AssertSucceeded() => Assert.True(ExitCode == 0, "the build failed:\n" + Output);
}
