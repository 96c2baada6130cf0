namespace BuildSign.MSBuild.Tests;

/// <summary>
/// <c>dotnet publish</c> for win-x64: assemblies that ILLink or Crossgen2 rewrote are signed after
/// the rewrite, and a single-file bundle is built from signed files and signed itself.
/// </summary>
[Collection(MSBuildCollection.Name)]
public sealed class PublishTests(MSBuildFixture fixture)
{
    [Fact]
    public void Publish_signs_trimmed_and_ReadyToRun_assemblies_and_the_single_file_bundle()
    {
        var solution = fixture.NewSolution("publish");
        solution.AddProject("Tool", "<OutputType>Exe</OutputType>", code: "Console.WriteLine(\"published\");\n");
        var obj = solution.PathOf("Tool/obj/Release/net10.0/win-x64");

        var trimmed = solution.Run(fixture.SigningProperties(), "publish", "Tool/Tool.csproj", "-c", "Release", "-r", "win-x64", "--self-contained",
            "-p:PublishTrimmed=true", "-o", solution.PathOf("out-trimmed"), "-v:n");
        trimmed.AssertSucceeded();
        var published = solution.PathOf("out-trimmed/Tool.dll");
        Osslsigncode.AssertSigned(published);
        Osslsigncode.AssertSigned(solution.PathOf("out-trimmed/Tool.exe"));
        // What was published is ILLink's output, signed in obj/ after trimming.
        Assert.Equal(File.ReadAllBytes(Path.Combine(obj, "linked/Tool.dll")), File.ReadAllBytes(published));

        var single = solution.Run(fixture.SigningProperties(), "publish", "Tool/Tool.csproj", "-c", "Release", "-r", "win-x64", "--self-contained", "false",
            "-p:PublishReadyToRun=true", "-p:PublishSingleFile=true", "-o", solution.PathOf("out-single"), "-v:n");
        single.AssertSucceeded();
        var readyToRun = Path.Combine(obj, "R2R/Tool.dll");
        Osslsigncode.AssertSigned(readyToRun);
        var bundle = solution.PathOf("out-single/Tool.exe");
        Osslsigncode.AssertSigned(bundle);
        Assert.False(File.Exists(solution.PathOf("out-single/Tool.dll")), "the assembly should be inside the bundle");
        // The bundle carries the signed ReadyToRun image byte for byte.
        Assert.True(File.ReadAllBytes(bundle).AsSpan().IndexOf(File.ReadAllBytes(readyToRun)) > 0, "the signed ReadyToRun Tool.dll is not inside the bundle");
    }
}
