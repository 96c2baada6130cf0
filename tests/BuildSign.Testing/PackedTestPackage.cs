namespace BuildSign.Testing;

/// <summary>
/// A real, unsigned package made by <c>dotnet pack</c> from a one-class library, with the test
/// root trusted by a private view of the SDK while it lives (the installed SDK is never changed). Packing costs seconds: share one per test class or collection.
/// </summary>
public sealed class PackedTestPackage : IDisposable
{
    private readonly TempDirectory _directory = new("buildsign-nuget");
    private readonly SdkTrustedRoots _trust;

    public PackedTestPackage(string packageId, string version)
    {
        var plainDotnet = new DotnetCommand(_directory.Path);
        var project = Directory.CreateDirectory(_directory.File("project")).FullName;
        File.WriteAllText(Path.Combine(project, packageId + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <PackageId>{packageId}</PackageId>
                <Version>{version}</Version>
                <Authors>BuildSign Tests</Authors>
                <Description>A package for signing tests.</Description>
              </PropertyGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(project, "Greeter.cs"), $"namespace {packageId}; public static class Greeter {{ public static string Hello() => \"hello\"; }}\n");
        var pack = plainDotnet.Run(project, "pack", "-c", "Release", "-o", _directory.File("out"), "-nodeReuse:false");
        if (pack.ExitCode != 0)
        {
            throw new InvalidOperationException("dotnet pack failed: " + pack.Output);
        }
        Unsigned = _directory.File($"out/{packageId}.{version}.nupkg");
        _trust = new SdkTrustedRoots(TestPki.Shared.RootPem);
        Dotnet = new DotnetCommand(_directory.Path, _trust.DotnetPath);
    }

    /// <summary>The packed, unsigned package. Tests copy it; they never change it.</summary>
    public string Unsigned { get; }

    /// <summary>The isolated dotnet CLI whose NuGet trusts the test root, for <c>dotnet nuget verify</c> and <c>sign</c>.</summary>
    public DotnetCommand Dotnet { get; }

    public void Dispose()
    {
        _trust.Dispose();
        _directory.Dispose();
    }
}
