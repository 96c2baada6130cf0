using System.IO.Compression;

namespace BuildSign.MSBuild.Tests;

/// <summary>
/// <c>dotnet build</c> of a console app (win-x64 apphost, a satellite assembly, a NuGet dependency)
/// that references a class library: every PE the build produces is signed in obj/ before it is
/// copied, a build with no change signs nothing, and a source change signs again.
/// </summary>
[Collection(MSBuildCollection.Name)]
public sealed class BuildTests(MSBuildFixture fixture)
{
    [Fact]
    public void Build_signs_the_app_its_apphost_satellite_library_and_copied_dependency_then_skips_when_nothing_changed()
    {
        var solution = fixture.NewSolution("build");
        solution.AddProject("Lib", "");
        var app = solution.AddProject("App", """
            <OutputType>Exe</OutputType>
            <RuntimeIdentifier>win-x64</RuntimeIdentifier>
            <SelfContained>false</SelfContained>
            <BuildSignDependencies>true</BuildSignDependencies>
            """, """
            <ProjectReference Include="../Lib/Lib.csproj" />
            <PackageReference Include="Polly.Core" Version="8.9.1" />
            """, "Console.WriteLine(Lib.Greeting.Text + typeof(Polly.ResiliencePipeline).Name);\n");
        File.WriteAllText(Path.Combine(app, "Strings.de.resx"), Resx("Hallo"));

        var first = solution.Run(fixture.SigningProperties(), "build", "App/App.csproj", "-c", "Release", "-v:n");
        first.AssertSucceeded();
        var bin = solution.PathOf("App/bin/Release/net10.0/win-x64");
        foreach (var file in new[] { "App.dll", "App.exe", "Lib.dll", "de/App.resources.dll", "Polly.Core.dll" })
        {
            Osslsigncode.AssertSigned(Path.Combine(bin, file));
        }
        Osslsigncode.AssertSigned(solution.PathOf("Lib/bin/Release/net10.0/Lib.dll"));
        Assert.Contains(first.Summaries, l => l.Contains("with PKCS#11 key", StringComparison.Ordinal) && l.EndsWith("(hardware-local)", StringComparison.Ordinal));
        Assert.DoesNotContain(fixture.Token.Pin, first.Output, StringComparison.Ordinal);
        AssertCacheCopyUntouched("polly.core", "8.9.1", "Polly.Core.dll");

        var appDll = Path.Combine(bin, "App.dll");
        var bytes = File.ReadAllBytes(appDll);
        var written = File.GetLastWriteTimeUtc(appDll);
        var again = solution.Run(fixture.SigningProperties(), "build", "App/App.csproj", "-c", "Release", "-v:d");
        again.AssertSucceeded();
        Assert.True(again.Summaries.Count == 0, "a build with no change signed again:\n" + string.Join('\n', again.Lines.Where(l => l.StartsWith("BuildSign: ", StringComparison.Ordinal) || l.Contains("newer than output", StringComparison.Ordinal))));
        Assert.Contains(again.Lines, l => l.StartsWith("BuildSign: nothing to sign for build", StringComparison.Ordinal));
        Assert.Equal(bytes, File.ReadAllBytes(appDll));
        Assert.Equal(written, File.GetLastWriteTimeUtc(appDll));

        var library = solution.PathOf("Lib/bin/Release/net10.0/Lib.dll");
        var libraryWritten = File.GetLastWriteTimeUtc(library);
        File.WriteAllText(Path.Combine(app, "Code.cs"), "Console.WriteLine(Lib.Greeting.Text + \"!\" + typeof(Polly.ResiliencePipeline).Name);\n");
        var changed = solution.Run(fixture.SigningProperties(), "build", "App/App.csproj", "-c", "Release", "-v:n");
        changed.AssertSucceeded();
        // The app's rebuilt files are signed in one run; the library, which did not change, is not signed again.
        var summary = Assert.Single(changed.Summaries);
        Assert.Matches("^BuildSign: [23] signed, 0 skipped in ", summary);
        Assert.Equal(libraryWritten, File.GetLastWriteTimeUtc(library));
        Assert.NotEqual(bytes, File.ReadAllBytes(appDll));
        Osslsigncode.AssertSigned(appDll);
        Osslsigncode.AssertSigned(Path.Combine(bin, "App.exe"));
    }

    private void AssertCacheCopyUntouched(string id, string version, string fileName)
    {
        var folder = Path.Combine(fixture.PackagesFolder, id, version);
        var cached = Directory.GetFiles(folder, fileName, SearchOption.AllDirectories).Where(f => f.Contains("/lib/", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(cached);
        using var package = ZipFile.OpenRead(Path.Combine(folder, $"{id}.{version}.nupkg"));
        foreach (var file in cached)
        {
            var entry = package.GetEntry(Path.GetRelativePath(folder, file).Replace('\\', '/'))!;
            using var stream = entry.Open();
            using var original = new MemoryStream();
            stream.CopyTo(original);
            Assert.True(original.ToArray().AsSpan().SequenceEqual(File.ReadAllBytes(file)), $"{file} in the NuGet cache was changed");
        }
    }

    private static string Resx(string value) => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <root>
          <resheader name="resmimetype"><value>text/microsoft-resx</value></resheader>
          <resheader name="version"><value>2.0</value></resheader>
          <resheader name="reader"><value>System.Resources.ResXResourceReader, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>
          <resheader name="writer"><value>System.Resources.ResXResourceWriter, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>
          <data name="Greeting" xml:space="preserve"><value>{value}</value></data>
        </root>
        """;
}
