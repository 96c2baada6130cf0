using System.Diagnostics;
using System.Text;
using BuildSign.Core.Formats;
using BuildSign.Core.Keys.Pkcs11;
using BuildSign.Core.Keys.Software;
using BuildSign.Core.Pipeline;
using BuildSign.Core.Tests.Formats.Containers;
using BuildSign.Testing;

namespace BuildSign.Core.Tests.Pipeline;

/// <summary>What a file system can hold besides regular files, and what killed runs leave behind.</summary>
public sealed class FileSystemHazardTests : IDisposable
{
    // Long enough for a slow machine, short enough that a hang fails the test instead of the suite.
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _dir = new("buildsign-fs-hazards");

    public void Dispose() => _dir.Dispose();

    private static SigningRunOptions Options(bool recursive, params string[] paths) => new() { Paths = paths, Recursive = recursive, MaxParallelFiles = 2 };

    private static async Task<SigningPlan> PlanAsync(SigningRunOptions options) =>
        await Task.Run(() => new SigningPlanner(DefaultFormats.CreateRegistry()).PlanAsync(options, CancellationToken.None)).WaitAsync(HangLimit);

    private static async Task<(SigningRunResult Run, CountingSigningKey Key)> SignAsync(SigningRunOptions options)
    {
        using var plan = await PlanAsync(options);
        var key = new CountingSigningKey(SoftwareSigningKey.Load(TestPki.Shared.RsaPfx));
        await using (key)
        {
            return (await new SigningPipeline(key, timestamper: null).ExecuteAsync(plan, options, CancellationToken.None).WaitAsync(HangLimit), key);
        }
    }

    private string Fifo(string name)
    {
        var path = _dir.File(name);
        var made = ExternalTool.Run("mkfifo", path);
        Assert.True(made.ExitCode == 0, made.Output);
        return path;
    }

    private string Text(string name, string text = "release notes\n")
    {
        var path = _dir.File(name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task AFifoNamedAsAFileIsRefusedAtOnce()
    {
        var fifo = Fifo("pipe.dll");

        var (run, key) = await SignAsync(Options(false, fifo));

        var file = Assert.Single(run.Files);
        Assert.Equal(FileSigningStatus.Failed, file.Status);
        Assert.Contains("not a regular file (a FIFO, socket or device)", file.Error, StringComparison.Ordinal);
        Assert.Empty(key.Batches);
    }

    [Fact]
    public async Task DirectoryWalksAndGlobsPassOverFifos()
    {
        Fifo("pipe.dll");
        Fifo("pipe.ps1");
        var pe = TestPeFiles.Unsigned(_dir, TestPeFiles.Pe32);

        var walked = await PlanAsync(Options(true, _dir.Path));
        var globbed = await PlanAsync(Options(false, _dir.Path + "/*.dll"));

        Assert.Equal([pe], walked.Files.Select(f => f.Path));
        Assert.Equal([pe], globbed.Files.Select(f => f.Path));
    }

    [Fact]
    public async Task AFifoWhereTheDetachedSignatureGoesRefusesTheFileAndVerifyDoesNotHang()
    {
        var notes = Text("notes.txt");
        var signature = Fifo("notes.txt.p7s");

        var plan = await PlanAsync(Options(false, notes));
        var verification = await new BuildSign.Core.Formats.Detached.DetachedSignatureFormat().VerifyAsync(notes, new BuildSign.Core.Verification.VerificationOptions(), CancellationToken.None).AsTask().WaitAsync(HangLimit);

        var file = Assert.Single(plan.Files);
        Assert.Equal(PlannedAction.Refuse, file.Action);
        Assert.Equal("notes.txt.p7s is not a regular file (a FIFO, socket or device); BuildSign writes signatures only as regular files", file.Reason);
        Assert.Equal("not signed (notes.txt.p7s is not a regular file (a FIFO, socket or device))", verification.Error);
        Assert.True(File.Exists(signature));
    }

    [Fact]
    public async Task OpeningAFifoAsARegularFileFailsAtOnceInsteadOfWaitingForAWriter()
    {
        var fifo = Fifo("swapped.dll");

        var error = await Task.Run(() => Assert.Throws<IOException>(() => BuildSign.Core.Files.RegularFile.OpenRead(fifo).Dispose())).WaitAsync(HangLimit);

        Assert.Equal($"{fifo} is not a regular file (a FIFO, socket or device)", error.Message);
        using var regular = BuildSign.Core.Files.RegularFile.OpenRead(TestPeFiles.Unsigned(_dir, TestPeFiles.Pe32));
        Assert.Equal((byte)'M', (byte)regular.ReadByte());
    }

    [Fact]
    public async Task APinFileThatIsAFifoOrADeviceOrHugeIsRefusedWithoutReadingItAll()
    {
        var fifo = Fifo("pin");
        var huge = _dir.File("huge-pin");
        File.WriteAllBytes(huge, new byte[10 << 20]);

        var fromFifo = await Task.Run(() => Assert.Throws<SigningException>(() => PinSource.Parse("file:" + fifo).ReadPin())).WaitAsync(HangLimit);
        var fromZero = await Task.Run(() => Assert.Throws<SigningException>(() => PinSource.Parse("file:/dev/zero").ReadPin())).WaitAsync(HangLimit);
        var fromHuge = Assert.Throws<SigningException>(() => PinSource.Parse("file:" + huge).ReadPin());

        Assert.Equal("the PIN file named by pin-source is not a regular file (a FIFO, socket or device)", fromFifo.Message);
        Assert.Equal("the PIN file named by pin-source is not a regular file (a FIFO, socket or device)", fromZero.Message);
        Assert.Equal("the PIN file named by pin-source is larger than 1024 bytes, too large to hold a PIN", fromHuge.Message);
    }

    [Fact]
    public async Task ASymbolicLinkIsFollowedItsTargetSignedInPlaceAndTheLinkKept()
    {
        var target = TestPeFiles.Unsigned(_dir, TestPeFiles.Pe32);
        var link = _dir.File("link.dll");
        File.CreateSymbolicLink(link, target);

        var (run, _) = await SignAsync(Options(false, link));

        var file = Assert.Single(run.Files);
        Assert.True(file.Status == FileSigningStatus.Signed, file.Error);
        Assert.Equal(target, file.Path);
        Assert.Equal(target, new FileInfo(link).LinkTarget);
        var verify = TestPeFiles.VerifyWithOsslsigncode(target);
        Assert.True(verify.ExitCode == 0, verify.Output);
    }

    [Fact]
    public async Task TwoNamesOfOneFileInOneRunAreOneFileSignedOnce()
    {
        var target = TestPeFiles.Unsigned(_dir, TestPeFiles.Pe32);
        var link = _dir.File("link.dll");
        File.CreateSymbolicLink(link, target);
        Directory.CreateDirectory(_dir.File("sub"));
        var dotted = Path.Combine(_dir.Path, "sub", "..", Path.GetFileName(target));

        var (run, key) = await SignAsync(Options(false, target, link, dotted));

        var file = Assert.Single(run.Files);
        Assert.Equal((target, FileSigningStatus.Signed), (file.Path, file.Status));
        Assert.Equal([1], key.Batches);
        var verify = TestPeFiles.VerifyWithOsslsigncode(target);
        Assert.True(verify.ExitCode == 0, verify.Output);
        Assert.Single(TestPeFiles.SignatureBlocks(verify));
    }

    [Fact]
    public async Task ADetachedSignatureThatIsASymbolicLinkRefusesTheFile()
    {
        var notes = Text("notes.txt");
        var elsewhere = Text("elsewhere.p7s", "not a signature");
        File.CreateSymbolicLink(notes + ".p7s", elsewhere);

        var plan = await PlanAsync(Options(false, notes));

        var file = Assert.Single(plan.Files);
        Assert.Equal(PlannedAction.Refuse, file.Action);
        Assert.Equal("notes.txt.p7s is a symbolic link; BuildSign writes signatures only as regular files", file.Reason);
        Assert.Equal("not a signature", File.ReadAllText(elsewhere));
    }

    [Fact]
    public async Task AFileNameOf250BytesCanBeSigned()
    {
        var pe = _dir.File(new string('p', 246) + ".dll");
        File.Copy(TestPeFiles.Unsigned(_dir, TestPeFiles.Pe32), pe);
        var notes = Text(new string('t', 246) + ".txt");

        var (run, _) = await SignAsync(Options(false, pe, notes));

        Assert.All(run.Files, f => Assert.True(f.Status == FileSigningStatus.Signed, f.Error));
        var verify = TestPeFiles.VerifyWithOsslsigncode(pe);
        Assert.True(verify.ExitCode == 0, verify.Output);
        ContainerSigning.AssertVerifies(ContainerSigning.OpenSslVerify(notes));
    }

    [Theory]
    [InlineData("MZ is how this text begins, and nothing more.\n")]
    [InlineData("MZ")]
    public async Task ATextFileThatStartsWithMZGetsADetachedSignature(string text)
    {
        var notes = Text("mz-notes.txt", text + new string('.', 5000));

        var (run, _) = await SignAsync(Options(false, notes));

        var file = Assert.Single(run.Files);
        Assert.True(file.Status == FileSigningStatus.Signed, file.Error);
        Assert.Equal("detached", file.Format);
        ContainerSigning.AssertVerifies(ContainerSigning.OpenSslVerify(notes));
    }

    [Fact]
    public async Task TempFilesOfDeadRunsAreRemovedByTheNextRunAndThoseOfLiveRunsKept()
    {
        var pe = TestPeFiles.Unsigned(_dir, TestPeFiles.Pe32);
        // An earlier version's name, two days old; a killed run's; a live run's (its lock is held here).
        var old = _dir.File($".{Path.GetFileName(pe)}.buildsign-{Guid.NewGuid():N}.tmp");
        File.WriteAllText(old, "partial");
        File.SetLastWriteTimeUtc(old, DateTime.UtcNow.AddDays(-2));
        var runs = Path.Combine(Path.GetTempPath(), $"buildsign-runs-{Environment.UserName}");
        Directory.CreateDirectory(runs);
        File.WriteAllText(Path.Combine(runs, "00000000dead.lock"), "");
        var killed = _dir.File(".buildsign-00000000dead-7.tmp");
        File.WriteAllText(killed, "partial");
        var killedWorkspace = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "buildsign-containers-00000000dead-1")).FullName;
        using var liveLock = new FileStream(Path.Combine(runs, "00000000a11e.lock"), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        var live = _dir.File(".buildsign-00000000a11e-3.tmp");
        File.WriteAllText(live, "being written");
        var liveWorkspace = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "buildsign-containers-00000000a11e-1")).FullName;
        try
        {
            var zip = TestArchive.Create(_dir.File("c.zip"), new TestArchiveEntry("a.dll", File.ReadAllBytes(pe)));
            var (run, _) = await SignAsync(Options(true, pe, zip));

            Assert.All(run.Files, f => Assert.True(f.Status == FileSigningStatus.Signed, f.Error));
            Assert.False(File.Exists(old));
            Assert.False(File.Exists(killed));
            Assert.False(Directory.Exists(killedWorkspace));
            Assert.True(File.Exists(live));
            Assert.True(Directory.Exists(liveWorkspace));
            Assert.Equal([live], Directory.GetFiles(_dir.Path, ".*"));
        }
        finally
        {
            Directory.Delete(liveWorkspace);
            File.Delete(Path.Combine(runs, "00000000dead.lock"));
        }
    }

    [Fact]
    public async Task ADryRunRemovesNothing()
    {
        var pe = TestPeFiles.Unsigned(_dir, TestPeFiles.Pe32);
        var runs = Path.Combine(Path.GetTempPath(), $"buildsign-runs-{Environment.UserName}");
        Directory.CreateDirectory(runs);
        File.WriteAllText(Path.Combine(runs, "0000000dead2.lock"), "");
        var killed = _dir.File(".buildsign-0000000dead2-1.tmp");
        File.WriteAllText(killed, "partial");
        try
        {
            using var plan = await PlanAsync(Options(false, pe) with { RemoveLeftovers = false });
            Assert.True(File.Exists(killed));
        }
        finally
        {
            File.Delete(Path.Combine(runs, "0000000dead2.lock"));
        }
    }
}
