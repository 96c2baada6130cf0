
namespace BuildSign.Testing;

/// <summary>Runs the dotnet CLI isolated from the user's home: its own CLI home and package folder.</summary>
public sealed class DotnetCommand(string isolationRoot)
{
    public IDictionary<string, string?> Environment { get; } = new Dictionary<string, string?>
    {
        ["DOTNET_CLI_HOME"] = Path.Combine(isolationRoot, "cli-home"),
        ["NUGET_PACKAGES"] = Path.Combine(isolationRoot, "packages"),
        ["DOTNET_NOLOGO"] = "1",
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
        ["MSBUILDDISABLENODEREUSE"] = "1",
    };

    public ToolResult Run(string workingDirectory, params string[] arguments) =>
        ExternalTool.Run("dotnet", arguments, Environment, workingDirectory, TimeSpan.FromMinutes(4));

    /// <summary><c>dotnet nuget verify --all</c>, the independent verifier.</summary>
    public ToolResult NuGetVerify(string package) =>
        Run(Path.GetDirectoryName(package)!, "nuget", "verify", "--all", package, "-v", "n");
}
