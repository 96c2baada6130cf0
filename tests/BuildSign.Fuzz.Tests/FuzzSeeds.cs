using System.IO.Compression;
using System.Text;
using BuildSign.Core.Formats;
using BuildSign.Core.Formats.Detached;
using BuildSign.Core.Formats.NuGet;
using BuildSign.Core.Formats.Pe;
using BuildSign.Core.Formats.Scripts;
using BuildSign.Core.Keys.Software;
using BuildSign.Testing;

namespace BuildSign.Fuzz.Tests;

/// <summary>
/// The seed corpus: real files, made once per test run. Unsigned and signed PEs (BuildSign's own
/// signature, and Microsoft's with its RFC 3161 timestamp), a zip, a signed NuGet package, a signed
/// PowerShell script, detached CMS signatures, and a timestamp response from a real TSA.
/// </summary>
internal sealed class FuzzSeeds : IDisposable
{
    private static readonly Lazy<FuzzSeeds> SharedSeeds = new(() => new FuzzSeeds());
    private readonly TempDirectory _dir = new("buildsign-fuzz-seeds");

    private FuzzSeeds()
    {
        // Shared by every test of the run; the folder goes when the test process ends.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Dispose();
        var key = SoftwareSigningKey.Load(TestPki.Shared.RsaPfx);
        var options = new SignatureOptions();

        var unsignedPe = TestPeFiles.Unsigned(_dir, TestPeFiles.Pe32);
        var signedPe = _dir.File("signed.dll");
        Sign(new PeFormat(), unsignedPe, signedPe);
        var microsoftPe = TestPeFiles.Signed(TestPeFiles.Pe32);
        UnsignedPe = File.ReadAllBytes(unsignedPe);
        SignedPe = File.ReadAllBytes(signedPe);
        MicrosoftPe = File.ReadAllBytes(microsoftPe);

        var zip = _dir.File("seed.zip");
        using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
        {
            archive.CreateEntryFromFile(unsignedPe, "bin/a.dll", CompressionLevel.Optimal);
            using (var writer = new StreamWriter(archive.CreateEntry("readme.txt", CompressionLevel.NoCompression).Open()))
            {
                writer.Write("read me\n");
            }
            archive.CreateEntry("empty/");
        }
        Zip = File.ReadAllBytes(zip);

        var package = _dir.File("Seed.Package.1.0.0.nupkg");
        using (var archive = ZipFile.Open(package, ZipArchiveMode.Create))
        {
            using (var writer = new StreamWriter(archive.CreateEntry("Seed.Package.nuspec").Open()))
            {
                writer.Write("<?xml version=\"1.0\"?><package xmlns=\"http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd\"><metadata><id>Seed.Package</id><version>1.0.0</version><authors>BuildSign</authors><description>seed</description></metadata></package>");
            }
            archive.CreateEntryFromFile(unsignedPe, "lib/net10.0/a.dll", CompressionLevel.Optimal);
        }
        var signedPackage = _dir.File("Seed.Package.1.0.0.signed.nupkg");
        Sign(new NuGetPackageFormat(), package, signedPackage);
        UnsignedPackage = File.ReadAllBytes(package);
        SignedPackage = File.ReadAllBytes(signedPackage);

        var script = _dir.File("seed.ps1");
        File.WriteAllText(script, "param([string]$Name = 'Wörld')\r\nWrite-Host \"Grüße, $Name\"\r\n", new UTF8Encoding(true));
        var signedScript = _dir.File("signed.ps1");
        Sign(new ScriptFormat(), script, signedScript);
        SignedScript = File.ReadAllBytes(signedScript);

        var notes = _dir.File("notes.txt");
        File.WriteAllText(notes, "release notes\n");
        var detached = _dir.File("notes.txt.p7s.out");
        Sign(new DetachedSignatureFormat(), notes, detached);
        DetachedContent = File.ReadAllBytes(notes);
        DetachedSignature = File.ReadAllBytes(detached);
        var extracted = _dir.File("microsoft.p7s");
        var extract = ExternalTool.Run("osslsigncode", "extract-signature", "-in", microsoftPe, "-out", extracted);
        Assert.True(extract.ExitCode == 0, extract.Output);
        MicrosoftSignature = File.ReadAllBytes(extracted);

        void Sign(IFileFormat format, string source, string output) =>
            FormatSigning.SignToAsync(format, source, output, key, options, ExistingSignatureAction.Replace).GetAwaiter().GetResult();
    }

    public static FuzzSeeds Shared => SharedSeeds.Value;

    public byte[] UnsignedPe { get; }
    public byte[] SignedPe { get; }
    public byte[] MicrosoftPe { get; }
    public byte[] Zip { get; }
    public byte[] UnsignedPackage { get; }
    public byte[] SignedPackage { get; }
    public byte[] SignedScript { get; }
    public byte[] DetachedContent { get; }
    public byte[] DetachedSignature { get; }
    public byte[] MicrosoftSignature { get; }

    public void Dispose() => _dir.Dispose();
}
