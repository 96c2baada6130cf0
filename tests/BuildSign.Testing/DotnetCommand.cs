
namespace BuildSign.Testing;

/// <summary>Runs the dotnet CLI isolated from the user's home: its own CLI home and package folder.</summary>
public sealed class DotnetCommand(string isolationRoot, string dotnetPath = "dotnet")
{
    /// <summary>The <c>dotnet</c> that runs: the installed one, or a private SDK view (<see cref="SdkTrustedRoots"/>).</summary>
    public string DotnetPath { get; } = dotnetPath;

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
        ExternalTool.Run(DotnetPath, arguments, Environment, workingDirectory, TimeSpan.FromMinutes(4));

    /// <summary><c>dotnet nuget sign</c> with a PFX and no timestamp, the reference signer (writes into <paramref name="outputDirectory"/>).</summary>
    public ToolResult NuGetSign(string package, string pfx, string outputDirectory) =>
        Run(Path.GetDirectoryName(package)!, "nuget", "sign", package, "--certificate-path", pfx, "--overwrite", "-o", outputDirectory);

    /// <summary><c>dotnet nuget verify --all</c>, the independent verifier.</summary>
    public ToolResult NuGetVerify(string package) =>
        Run(Path.GetDirectoryName(package)!, "nuget", "verify", "--all", package, "-v", "n");
}
