using System.IO.Compression;
using BuildSign.Core.Pipeline;
using BuildSign.Core.Tests.Formats.NuGet;
using BuildSign.Testing;
using static BuildSign.Core.Tests.Formats.Containers.ContainerSigning;

namespace BuildSign.Core.Tests.Formats.Containers;

[Collection(NuGetCollection.Name)]
public sealed class NuGetContainerSigningTests(NuGetFixture fixture) : IDisposable
{
    private const string Dll = "lib/net10.0/BuildSign.Sample.dll";
    private readonly TempDirectory _dir = new("buildsign-nupkg-containers");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ARecursiveRunSignsThePackagesDllAndThenThePackage()
    {
        var package = _dir.File("BuildSign.Sample.1.2.3.nupkg");
        File.Copy(fixture.UnsignedPackage, package);
        var entriesBefore = Entries(package);

        var (run, key) = await SignAsync(package);

        Assert.True(run.Succeeded, string.Join("; ", run.Files.Select(f => $"{f.Path}: {f.Error}")));
        Assert.Equal([(package + "!" + Dll, "pe"), (package, "nupkg")], run.Files.Select(f => (f.Path, f.Format)));
        Assert.Equal([1, 1], key.Batches);
        Assert.Equal([.. entriesBefore.Select(e => e.Name), ".signature.p7s"], Entries(package).Select(e => e.Name));
        Assert.Equal(entriesBefore, Entries(package).Where(e => e.Name != ".signature.p7s"));
        AssertPackageAndDllVerify(package, "dll");
    }

    [Fact]
    public async Task APackageInsideAZipIsSignedInsideOutAndItsOldSignatureDropped()
    {
        // A signed package: its inner DLL is still unsigned, so re-signing inside drops and renews the package signature.
        var package = _dir.File("BuildSign.Sample.1.2.3.nupkg");
        File.Copy(fixture.UnsignedPackage, package);
        await NuGetSigningSession.SignAsync(package, TestPki.Shared.RsaPfx);
        var zip = TestArchive.Create(_dir.File("drop.zip"), new TestArchiveEntry("packages/BuildSign.Sample.1.2.3.nupkg", File.ReadAllBytes(package), CompressionLevel.NoCompression));

        var (run, key) = await SignAsync(zip, Core.Formats.ExistingSignatureAction.Replace);

        Assert.True(run.Succeeded, string.Join("; ", run.Files.Select(f => $"{f.Path}: {f.Error}")));
        var inner = zip + "!packages/BuildSign.Sample.1.2.3.nupkg";
        Assert.Equal([inner + "!" + Dll, inner, zip], run.Files.Select(f => f.Path));
        Assert.Equal(PlannedAction.Replace, run.Files[1].Action);
        Assert.Equal([1, 1, 1], key.Batches);
        AssertVerifies(OpenSslVerify(zip));
        var extracted = Extract(zip, "packages/BuildSign.Sample.1.2.3.nupkg", _dir.File("extracted.nupkg"));
        Assert.Single(Entries(extracted), e => e.Name == ".signature.p7s");
        AssertPackageAndDllVerify(extracted, "inner");
    }

    private void AssertPackageAndDllVerify(string package, string name)
    {
        var nuget = fixture.Dotnet.NuGetVerify(package);
        Assert.True(nuget.ExitCode == 0, nuget.Output);
        var pe = TestPeFiles.VerifyWithOsslsigncode(Extract(package, Dll, _dir.File(name + ".dll")));
        Assert.True(pe.ExitCode == 0, pe.Output);
        Assert.Single(TestPeFiles.SignatureBlocks(pe));
    }
}
