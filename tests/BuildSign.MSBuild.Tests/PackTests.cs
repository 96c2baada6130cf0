using System.IO.Compression;

namespace BuildSign.MSBuild.Tests;

/// <summary>
/// <c>dotnet pack</c> of a (multi-targeting form) library: the package and symbol package get author
/// signatures that <c>dotnet nuget verify</c> accepts, and the DLL inside is signed because it came from obj/.
/// </summary>
[Collection(MSBuildCollection.Name)]
public sealed class PackTests(MSBuildFixture fixture)
{
    [Fact]
    public void Pack_signs_the_package_the_symbol_package_and_the_dll_inside()
    {
        var solution = fixture.NewSolution("pack");
        solution.AddProject("Packable", """
            <TargetFramework></TargetFramework>
            <TargetFrameworks>net10.0</TargetFrameworks>
            <PackageId>BuildSign.Example.Packable</PackageId>
            <Version>1.2.3</Version>
            <Authors>BuildSign Tests</Authors>
            <Description>A package signed during dotnet pack.</Description>
            <IncludeSymbols>true</IncludeSymbols>
            <SymbolPackageFormat>snupkg</SymbolPackageFormat>
            """);

        var pack = solution.Run(fixture.SigningProperties(), "pack", "Packable/Packable.csproj", "-c", "Release", "-o", solution.PathOf("out"), "-v:n");
        pack.AssertSucceeded();
        Assert.Contains(pack.Summaries, l => l.StartsWith("BuildSign: 2 signed, 0 skipped", StringComparison.Ordinal));
        foreach (var package in new[] { "BuildSign.Example.Packable.1.2.3.nupkg", "BuildSign.Example.Packable.1.2.3.snupkg" })
        {
            var verify = fixture.Dotnet(solution.Directory, new Dictionary<string, string?>(), "nuget", "verify", "--all", solution.PathOf("out/" + package), "-v", "n");
            Assert.True(verify.ExitCode == 0, $"dotnet nuget verify {package}:\n{verify.Output}");
        }
        var extracted = solution.PathOf("extracted");
        ZipFile.ExtractToDirectory(solution.PathOf("out/BuildSign.Example.Packable.1.2.3.nupkg"), extracted);
        Osslsigncode.AssertSigned(Path.Combine(extracted, "lib/net10.0/Packable.dll"));
    }
}
