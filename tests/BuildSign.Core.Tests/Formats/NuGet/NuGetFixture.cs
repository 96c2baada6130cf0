using BuildSign.Testing;

namespace BuildSign.Core.Tests.Formats.NuGet;

/// <summary>
/// Shared by the NuGet tests: one real package made by <c>dotnet pack</c> from a tiny class
/// library, and the test root trusted by the SDK's NuGet for the duration of the run.
/// </summary>
public sealed class NuGetFixture : IDisposable
{
    private readonly TempDirectory _directory = new("buildsign-nuget");
    private readonly SdkTrustedRoots _trust;

    public NuGetFixture()
    {
        Dotnet = new DotnetCommand(_directory.Path);
        var project = Directory.CreateDirectory(_directory.File("sample")).FullName;
        File.WriteAllText(Path.Combine(project, "BuildSign.Sample.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <PackageId>BuildSign.Sample</PackageId>
                <Version>1.2.3</Version>
                <Authors>BuildSign Tests</Authors>
                <Description>A package for signing tests.</Description>
              </PropertyGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(project, "Greeter.cs"), "namespace BuildSign.Sample; public static class Greeter { public static string Hello() => \"hello\"; }\n");
        // An empty global.json-free folder: the SDK on the machine builds it.
        var pack = Dotnet.Run(project, "pack", "-c", "Release", "-o", _directory.File("out"), "-nodeReuse:false");
        if (pack.ExitCode != 0)
        {
            throw new InvalidOperationException("dotnet pack failed: " + pack.Output);
        }
        UnsignedPackage = _directory.File("out/BuildSign.Sample.1.2.3.nupkg");
        _trust = new SdkTrustedRoots(TestPki.Shared.RootPem);
    }

    /// <summary>The packed, unsigned package. Tests copy it; they never change it.</summary>
    public string UnsignedPackage { get; }

    internal DotnetCommand Dotnet { get; }

    public void Dispose()
    {
        _trust.Dispose();
        _directory.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class NuGetCollection : ICollectionFixture<NuGetFixture>
{
    public const string Name = "NuGet packages";
}
