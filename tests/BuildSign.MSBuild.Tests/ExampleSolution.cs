using BuildSign.Testing;

namespace BuildSign.MSBuild.Tests;

/// <summary>
/// A folder of small example projects that reference BuildSign.MSBuild from the fixture's feed,
/// as a user's projects would (a nuget.config with only that feed and the machine's NuGet source).
/// </summary>
public sealed class ExampleSolution
{
    private readonly MSBuildFixture _fixture;

    public ExampleSolution(MSBuildFixture fixture, string directory)
    {
        _fixture = fixture;
        Directory = directory;
        File.WriteAllText(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="buildsign-feed" value="{fixture.Feed}" />
                <add key="machine" value="{MachineNuGetSource()}" />
              </packageSources>
            </configuration>
            """);
        // An empty Directory.Build.props/targets pair keeps the repository's own settings out of the examples.
        File.WriteAllText(Path.Combine(directory, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(directory, "Directory.Build.targets"), "<Project />\n");
    }

    public string Directory { get; }

    /// <summary>Writes a project: <paramref name="properties"/> and <paramref name="items"/> go into the csproj as given.</summary>
    public string AddProject(string name, string properties, string items = "", string? code = null)
    {
        var folder = System.IO.Directory.CreateDirectory(Path.Combine(Directory, name)).FullName;
        File.WriteAllText(Path.Combine(folder, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                {properties}
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="BuildSign.MSBuild" Version="{_fixture.PackageVersion}" PrivateAssets="all" />
                {items}
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(folder, "Code.cs"), code ?? $"namespace {name}; public static class Greeting {{ public static string Text => \"hello\"; }}\n");
        return folder;
    }

    public string PathOf(string relative) => Path.Combine(Directory, relative);

    /// <summary>Runs dotnet in the solution folder with <paramref name="properties"/> as BuildSign settings.</summary>
    public BuildLog Run(IDictionary<string, string?> properties, params string[] arguments) =>
        BuildLog.Of(_fixture.Dotnet(Directory, properties, [.. arguments, "-nodeReuse:false"]));

    /// <summary>The NuGet source this machine restores from (the user's NuGet.Config), defaulting to nuget.org.</summary>
    private static string MachineNuGetSource()
    {
        var list = ExternalTool.Run("dotnet", "nuget", "list", "source", "--format", "short");
        var source = list.StandardOutput.Split('\n').Select(l => l.Trim())
            .Where(l => l.StartsWith('E'))
            .Select(l => l[1..].Trim())
            .FirstOrDefault(s => !s.Contains("buildsign", StringComparison.OrdinalIgnoreCase));
        return source ?? "https://api.nuget.org/v3/index.json";
    }
}
