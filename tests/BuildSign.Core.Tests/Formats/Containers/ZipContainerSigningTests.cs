using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using BuildSign.Core.Formats;
using BuildSign.Core.Formats.Scripts;
using BuildSign.Core.Pipeline;
using BuildSign.Core.Tests.Formats.Scripts;
using BuildSign.Testing;
using static BuildSign.Core.Tests.Formats.Containers.ContainerSigning;

namespace BuildSign.Core.Tests.Formats.Containers;

public sealed class ZipContainerSigningTests : IDisposable
{
    private static readonly byte[] ReadMe = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("Read me: nothing here is signable.\n", 50)));
    private readonly TempDirectory _dir = new("buildsign-containers");

    public void Dispose() => _dir.Dispose();

    private byte[] UnsignedPe() => File.ReadAllBytes(TestPeFiles.Unsigned(_dir, TestPeFiles.Pe32));

    private static byte[] Script() => ScriptFiles.Bytes(ScriptTextEncoding.Utf8, "\r\n");

    [Fact]
    public async Task InnerPeAndScriptAreSignedTextIsCopiedRawAndTheZipGetsADetachedSignature()
    {
        var zip = TestArchive.Create(_dir.File("tools.zip"),
            new("bin/tool.dll", UnsignedPe(), CompressionLevel.Optimal),
            new("scripts/install.ps1", Script(), CompressionLevel.NoCompression, TestArchive.OldTime.AddDays(1)),
            new("README.txt", ReadMe, CompressionLevel.Optimal, TestArchive.OldTime.AddDays(2)));
        var entriesBefore = Entries(zip);
        var readMeRecord = LocalRecord(zip, "README.txt");

        var (run, key) = await SignAsync(zip);

        Assert.True(run.Succeeded, string.Join("; ", run.Files.Select(f => $"{f.Path}: {f.Error}")));
        Assert.Equal([zip + "!bin/tool.dll", zip + "!scripts/install.ps1", zip], run.Files.Select(f => f.Path));
        Assert.All(run.Files, f => Assert.Equal(FileSigningStatus.Signed, f.Status));
        Assert.Equal([2, 1], key.Batches); // the inner files in one batch, then the container
        Assert.Equal(entriesBefore, Entries(zip));
        Assert.Equal(readMeRecord, LocalRecord(zip, "README.txt"));
        var integrity = ExternalTool.Run("unzip", "-t", zip);
        Assert.True(integrity.ExitCode == 0 && integrity.StandardOutput.Contains("No errors detected", StringComparison.Ordinal), integrity.Output);
        using (var archive = ZipFile.OpenRead(zip))
        {
            // Each replaced entry keeps its method: the script stays stored, the DLL deflated.
            var stored = archive.GetEntry("scripts/install.ps1")!;
            Assert.Equal(stored.Length, stored.CompressedLength);
            var tool = archive.GetEntry("bin/tool.dll")!;
            Assert.True(tool.CompressedLength < tool.Length);
        }

        var dll = Extract(zip, "bin/tool.dll", _dir.File("tool.dll"));
        var pe = TestPeFiles.VerifyWithOsslsigncode(dll);
        Assert.True(pe.ExitCode == 0, pe.Output);
        Directory.CreateDirectory(_dir.File("x"));
        var script = Osslsigncode.Verify(Extract(zip, "scripts/install.ps1", _dir.File("x/install.ps1")));
        Assert.True(script.ExitCode == 0, script.Output);
        AssertVerifies(OpenSslVerify(zip));
    }

    [Fact]
    public async Task AZipInsideAZipIsSignedInsideOut()
    {
        var inner = TestArchive.Create(_dir.File("inner.zip"), new("lib/a.dll", UnsignedPe()), new("notes.txt", ReadMe));
        var outer = TestArchive.Create(_dir.File("outer.zip"), new("inner.zip", File.ReadAllBytes(inner), CompressionLevel.NoCompression), new("other.txt", ReadMe));

        var (run, key) = await SignAsync(outer);

        Assert.True(run.Succeeded, string.Join("; ", run.Files.Select(f => $"{f.Path}: {f.Error}")));
        Assert.Equal([outer + "!inner.zip!lib/a.dll", outer + "!inner.zip", outer], run.Files.Select(f => f.Path));
        Assert.Equal([1, 1, 1], key.Batches); // three rounds, innermost first
        Assert.Equal(["inner.zip", "other.txt", "inner.zip.p7s"], Entries(outer).Select(e => e.Name));
        AssertVerifies(OpenSslVerify(outer));

        var nested = Extract(outer, "inner.zip", _dir.File("nested.zip"));
        Extract(outer, "inner.zip.p7s", nested + ".p7s");
        AssertVerifies(OpenSslVerify(nested));
        var dll = Extract(nested, "lib/a.dll", _dir.File("a.dll"));
        var pe = TestPeFiles.VerifyWithOsslsigncode(dll);
        Assert.True(pe.ExitCode == 0, pe.Output);
    }

    [Fact]
    public async Task ADryRunPlansTheTreeAndChangesNothing()
    {
        var inner = TestArchive.Create(_dir.File("inner.zip"), new TestArchiveEntry("a.ps1", Script()));
        var zip = TestArchive.Create(_dir.File("dist.zip"), new("tool.dll", UnsignedPe()), new("inner.zip", File.ReadAllBytes(inner)), new("README.txt", ReadMe));
        var before = SHA256.HashData(File.ReadAllBytes(zip));
        string workspace;

        using (var plan = await PlanAsync(Options(zip)))
        {
            var container = Assert.Single(plan.Files);
            Assert.Equal(("zip", PlannedAction.Sign, 2), (container.Format, container.Action, container.Round));
            Assert.Equal([(zip + "!tool.dll", "pe", 0), (zip + "!inner.zip", "zip", 1)], container.Children.Select(c => (c.Path, c.Format, c.Round)));
            var nested = container.Children[1];
            Assert.Equal([(zip + "!inner.zip!a.ps1", "script", PlannedAction.Sign)], nested.Children.Select(c => (c.Path, c.Format, c.Action)));
            Assert.Equal(zip + "!inner.zip.p7s", nested.SignaturePath);
            Assert.Equal(4, plan.ToSign.Count());
            workspace = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(container.Children[0].WorkPath)))!;
            Assert.True(Directory.Exists(workspace));
        }

        Assert.False(Directory.Exists(workspace));
        Assert.Equal(before, SHA256.HashData(File.ReadAllBytes(zip)));
        Assert.Equal(["dist.zip", "inner.zip"], Directory.GetFiles(_dir.Path, "*.zip*").Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task AnAlreadySignedInnerFileIsSkippedByDefaultAndReplacedWhenAsked()
    {
        var signedDll = File.ReadAllBytes(TestPeFiles.Signed(TestPeFiles.Pe32));
        var zip = TestArchive.Create(_dir.File("vendor.zip"), new("third-party.dll", signedDll), new("ours.ps1", Script()));
        var thirdPartyRecord = LocalRecord(zip, "third-party.dll");

        var (skipRun, _) = await SignAsync(zip);

        var skipped = Assert.Single(skipRun.Files, f => f.Path.EndsWith("third-party.dll", StringComparison.Ordinal));
        Assert.Equal((FileSigningStatus.Skipped, "already signed"), (skipped.Status, skipped.Error));
        Assert.Equal(FileSigningStatus.Signed, Assert.Single(skipRun.Files, f => f.Path == zip).Status);
        Assert.Equal(thirdPartyRecord, LocalRecord(zip, "third-party.dll"));

        var (replaceRun, _) = await SignAsync(zip, ExistingSignatureAction.Replace);

        Assert.True(replaceRun.Succeeded, string.Join("; ", replaceRun.Files.Select(f => $"{f.Path}: {f.Error}")));
        Assert.Equal(PlannedAction.Replace, Assert.Single(replaceRun.Files, f => f.Path.EndsWith("third-party.dll", StringComparison.Ordinal)).Action);
        var verify = TestPeFiles.VerifyWithOsslsigncode(Extract(zip, "third-party.dll", _dir.File("replaced.dll")));
        Assert.True(verify.ExitCode == 0, verify.Output);
        Assert.Single(TestPeFiles.SignatureBlocks(verify));
        AssertVerifies(OpenSslVerify(zip));
    }

    [Fact]
    public async Task IdenticalContentInSeveralPlacesIsSignedOnce()
    {
        var pe = UnsignedPe();
        var inner = TestArchive.Create(_dir.File("inner.zip"), new TestArchiveEntry("copy.dll", pe));
        var zip = TestArchive.Create(_dir.File("dups.zip"), new("a/x.dll", pe), new("b/x.dll", pe, CompressionLevel.NoCompression), new("inner.zip", File.ReadAllBytes(inner)));

        var (run, key) = await SignAsync(zip);

        Assert.True(run.Succeeded, string.Join("; ", run.Files.Select(f => $"{f.Path}: {f.Error}")));
        Assert.Equal(5, run.Count(FileSigningStatus.Signed));
        // One digest for the three copies of the PE, one for the inner zip, one for the outer zip.
        Assert.Equal([1, 1, 1], key.Batches);
        var a = File.ReadAllBytes(Extract(zip, "a/x.dll", _dir.File("a.dll")));
        Assert.Equal(a, File.ReadAllBytes(Extract(zip, "b/x.dll", _dir.File("b.dll"))));
        var nested = Extract(zip, "inner.zip", _dir.File("nested.zip"));
        Assert.Equal(a, File.ReadAllBytes(Extract(nested, "copy.dll", _dir.File("copy.dll"))));
        var verify = TestPeFiles.VerifyWithOsslsigncode(_dir.File("b.dll"));
        Assert.True(verify.ExitCode == 0, verify.Output);
    }

    [Fact]
    public async Task APathTraversalEntryRefusesTheContainerAndChangesNothing()
    {
        var zip = TestArchive.Create(_dir.File("evil.zip"), new("ok.ps1", Script()), new("../../escape.ps1", Script()));
        await AssertRefusedUnchanged(zip, "path traversal");
    }

    [Fact]
    public async Task AZipBombByRatioRefusesTheContainer()
    {
        var zip = TestArchive.Create(_dir.File("bomb.zip"), new("tool.ps1", Script()), new("zeros.bin", new byte[32 << 20]));
        await AssertRefusedUnchanged(zip, "zip bomb");
    }

    [Fact]
    public async Task AnEntryThatInflatesBeyondItsDeclaredSizeRefusesTheContainer()
    {
        var zip = TestArchive.Create(_dir.File("liar.zip"), new TestArchiveEntry("payload.dll", new byte[4 << 20]));
        // Declare 4 KiB uncompressed in the central directory: the ratio check passes, the extraction must not.
        var bytes = File.ReadAllBytes(zip);
        var directory = BuildSign.Core.Tests.Formats.Zip.TestZip.CentralDirectoryOffset(bytes);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(directory + 24), 4096);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(22), 4096); // the local header agrees

        File.WriteAllBytes(zip, bytes);

        await AssertRefusedUnchanged(zip, "inflates to more than its declared 4096 bytes, a zip bomb");
    }

    [Fact]
    public async Task ABadSignableInnerFileRefusesTheContainerNamingIt()
    {
        var zip = TestArchive.Create(_dir.File("broken.zip"), new("good.ps1", Script()), new("lib/broken.dll", Encoding.ASCII.GetBytes("not really a dll")));
        var result = await AssertRefusedUnchanged(zip, "cannot sign its inner file lib/broken.dll: not a PE file");
        Assert.Equal(FileSigningStatus.Failed, result.Status);
    }

    private async Task<FileSigningResult> AssertRefusedUnchanged(string zip, string reason)
    {
        var before = File.ReadAllBytes(zip);
        var (run, key) = await SignAsync(zip);

        var result = Assert.Single(run.Files);
        Assert.Equal((zip, FileSigningStatus.Failed), (result.Path, result.Status));
        Assert.Contains(reason, result.Error, StringComparison.Ordinal);
        Assert.Empty(key.Batches);
        Assert.Equal(before, File.ReadAllBytes(zip));
        Assert.False(File.Exists(zip + ".p7s"));
        Assert.Single(Directory.GetFiles(_dir.Path, Path.GetFileName(zip) + "*", SearchOption.TopDirectoryOnly));
        return result;
    }
}
