using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using BuildSign.Core.Pipeline;
using BuildSign.Testing;
using static BuildSign.Core.Tests.Formats.Containers.ContainerSigning;

namespace BuildSign.Core.Tests.Formats.Containers;

/// <summary>Archives made to be read differently by different tools, to exhaust disk, or to trip the rewriting.</summary>
public sealed class HostileContainerTests : IDisposable
{
    private readonly TempDirectory _dir = new("buildsign-hostile-containers");

    public void Dispose() => _dir.Dispose();

    private byte[] UnsignedPe() => File.ReadAllBytes(TestPeFiles.Unsigned(_dir, TestPeFiles.Pe32));

    private static string Errors(SigningRunResult run) => string.Join("; ", run.Files.Select(f => $"{f.Path}: {f.Error}"));

    [Fact]
    public async Task AZipInsideAZipWithAUnicodeNameIsSignedAndItsSignatureEntryKeepsTheName()
    {
        var inner = TestArchive.Create(_dir.File("inner.zip"), new TestArchiveEntry("lib/a.dll", UnsignedPe()));
        var outer = TestArchive.Create(_dir.File("outer.zip"), new TestArchiveEntry("ünïcode.zip", File.ReadAllBytes(inner)));

        var (run, _) = await SignAsync(outer);

        Assert.True(run.Succeeded, Errors(run));
        Assert.Equal(["ünïcode.zip", "ünïcode.zip.p7s"], Entries(outer).Select(e => e.Name));
        var unzip = ExternalTool.Run("unzip", "-t", outer);
        Assert.True(unzip.ExitCode == 0, unzip.Output);
        var python = ExternalTool.Run("python3", "-c", "import sys, zipfile; print('|'.join(zipfile.ZipFile(sys.argv[1]).namelist()))", outer);
        Assert.Equal("ünïcode.zip|ünïcode.zip.p7s", python.StandardOutput.Trim());
        AssertVerifies(OpenSslVerify(outer));
        var nested = Extract(outer, "ünïcode.zip", _dir.File("nested.zip"));
        Extract(outer, "ünïcode.zip.p7s", nested + ".p7s");
        AssertVerifies(OpenSslVerify(nested));
    }

    [Fact]
    public async Task AnEntryWithANameLongerThanAFileSystemAllowsIsSigned()
    {
        var name = "lib/" + new string('n', 300) + ".dll";
        var zip = TestArchive.Create(_dir.File("long.zip"), new TestArchiveEntry(name, UnsignedPe()));

        var (run, _) = await SignAsync(zip);

        Assert.True(run.Succeeded, Errors(run));
        Assert.Equal([zip + "!" + name, zip], run.Files.Select(f => f.Path));
        var verify = TestPeFiles.VerifyWithOsslsigncode(Extract(zip, name, _dir.File("long.dll")));
        Assert.True(verify.ExitCode == 0, verify.Output);
        AssertVerifies(OpenSslVerify(zip));
    }

    [Fact]
    public async Task WhenTheSignatureCannotBeWrittenTheArchiveIsNotChangedEither()
    {
        var zip = TestArchive.Create(_dir.File("c.zip"), new TestArchiveEntry("bin/a.dll", UnsignedPe()));
        Directory.CreateDirectory(zip + ".p7s");
        var before = File.ReadAllBytes(zip);

        var (run, _) = await SignAsync(zip);

        var container = Assert.Single(run.Files, f => f.Path == zip);
        Assert.Equal(FileSigningStatus.Failed, container.Status);
        Assert.Contains("c.zip.p7s is a directory", container.Error, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(zip));
        Assert.Empty(Directory.GetFiles(_dir.Path, ".buildsign-*"));
    }

    [Fact]
    public async Task ThousandsOfSmallHighlyCompressedEntriesAreAZipBombAsAWhole()
    {
        // Each entry stays under the per-entry ratio check's size threshold; together they declare ~1000:1.
        var entries = Enumerable.Range(0, 120).Select(i => new TestArchiveEntry($"data/{i}.bin", new byte[(1 << 20) - 1])).ToArray();
        var zip = TestArchive.Create(_dir.File("many.zip"), [new TestArchiveEntry("tool.dll", UnsignedPe()), .. entries]);

        var result = await AssertRefusedUnchanged(zip);

        Assert.Contains("compression ratio", result.Error, StringComparison.Ordinal);
        Assert.Contains("a zip bomb", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnArchiveWhoseCommentHoldsASecondArchiveIsRefusedAsAmbiguous()
    {
        var hidden = File.ReadAllBytes(TestArchive.Create(_dir.File("hidden.zip"), new TestArchiveEntry("evil.ps1", Encoding.ASCII.GetBytes("Write-Host evil\r\n"))));
        var zip = TestArchive.Create(_dir.File("two-faced.zip"), new TestArchiveEntry("good.dll", UnsignedPe()));
        var bytes = File.ReadAllBytes(zip);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(bytes.Length - 2), (ushort)hidden.Length);
        File.WriteAllBytes(zip, [.. bytes, .. hidden]);
        var python = ExternalTool.Run("python3", "-c", "import sys, zipfile; print('|'.join(zipfile.ZipFile(sys.argv[1]).namelist()))", zip);
        Assert.Equal("evil.ps1", python.StandardOutput.Trim()); // what another reader sees

        var result = await AssertRefusedUnchanged(zip);

        Assert.Contains("ambiguous archive", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnArchiveAfterOtherBytesIsRefusedAsAmbiguous()
    {
        var zip = _dir.File("prefixed.zip");
        using (var file = File.Create(zip))
        {
            file.Write(File.ReadAllBytes(TestArchive.Create(_dir.File("first.zip"), new TestArchiveEntry("other.ps1", Encoding.ASCII.GetBytes("Write-Host other\r\n")))));
            using var archive = new ZipArchive(file, ZipArchiveMode.Create);
            using var stream = archive.CreateEntry("good.dll").Open();
            stream.Write(UnsignedPe());
        }

        var result = await AssertRefusedUnchanged(zip);

        Assert.Contains("ambiguous archive", result.Error, StringComparison.Ordinal);
        Assert.Contains("before the first zip entry", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALocalHeaderThatDisagreesWithTheCentralDirectoryIsRefused()
    {
        var zip = TestArchive.Create(_dir.File("disagree.zip"), new TestArchiveEntry("good.dll", UnsignedPe(), CompressionLevel.NoCompression));
        var bytes = File.ReadAllBytes(zip);
        bytes[14] ^= 0xFF; // the local header's CRC: a streaming reader would reject or read it differently
        File.WriteAllBytes(zip, bytes);

        var result = await AssertRefusedUnchanged(zip);

        Assert.Contains("disagrees with the central directory", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnlyWhatWillBeSignedStaysUnpacked()
    {
        var zip = TestArchive.Create(_dir.File("mixed.zip"),
            new TestArchiveEntry("ours.dll", UnsignedPe()),
            new TestArchiveEntry("third-party.dll", File.ReadAllBytes(TestPeFiles.Signed(TestPeFiles.Pe32))));

        using var plan = await PlanAsync(Options(zip));

        var children = Assert.Single(plan.Files).Children;
        var ours = Assert.Single(children, c => c.Path.EndsWith("ours.dll", StringComparison.Ordinal));
        var thirdParty = Assert.Single(children, c => c.Path.EndsWith("third-party.dll", StringComparison.Ordinal));
        Assert.Equal((PlannedAction.Sign, PlannedAction.Skip), (ours.Action, thirdParty.Action));
        Assert.True(File.Exists(ours.WorkPath));
        Assert.False(File.Exists(thirdParty.WorkPath));
    }

    private async Task<FileSigningResult> AssertRefusedUnchanged(string zip)
    {
        var before = File.ReadAllBytes(zip);
        var (run, key) = await SignAsync(zip);

        var result = Assert.Single(run.Files);
        Assert.Equal((zip, FileSigningStatus.Failed), (result.Path, result.Status));
        Assert.Empty(key.Batches);
        Assert.Equal(before, File.ReadAllBytes(zip));
        Assert.False(File.Exists(zip + ".p7s"));
        return result;
    }
}
