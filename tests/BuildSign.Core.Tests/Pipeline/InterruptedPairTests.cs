using BuildSign.Core.Pipeline;
using BuildSign.Testing;

namespace BuildSign.Core.Tests.Pipeline;

/// <summary>
/// A run killed at each step of replacing an archive and its signature together: the next run over
/// the folder leaves the pair whole, old or new, never one of each.
/// </summary>
public sealed class InterruptedPairTests : IDisposable
{
    private const string DeadRun = "00000000dea1";
    private readonly TempDirectory _dir = new("buildsign-interrupted-pair");
    private readonly string _lock;

    public InterruptedPairTests()
    {
        var runs = Path.Combine(Path.GetTempPath(), $"buildsign-runs-{Environment.UserName}");
        Directory.CreateDirectory(runs);
        _lock = Path.Combine(runs, DeadRun + ".lock");
        File.WriteAllText(_lock, ""); // present and unlocked: its run was killed
    }

    public void Dispose()
    {
        File.Delete(_lock);
        _dir.Dispose();
    }

    private string Archive => _dir.File("c.zip");
    private string Signature => _dir.File("c.zip.p7s");
    private string ArchiveTemp => _dir.File($".buildsign-{DeadRun}-1.tmp");
    private string SignatureTemp => _dir.File($".buildsign-{DeadRun}-2.tmp");
    private string Backup => _dir.File($".buildsign-{DeadRun}-3.tmp");
    private string Journal => _dir.File($".buildsign-{DeadRun}-4.pair");

    // The state just before the first rename: both new files complete, the old archive kept, the pair recorded.
    private void Prepare()
    {
        File.WriteAllText(Archive, "old archive");
        File.WriteAllText(Signature, "old signature");
        File.WriteAllText(ArchiveTemp, "new archive");
        File.WriteAllText(SignatureTemp, "new signature");
        File.Copy(Archive, Backup);
        File.WriteAllText(Journal, string.Join('\n', "buildsign-pair 1", Archive, ArchiveTemp, Backup, Signature, SignatureTemp) + "\n");
    }

    private (string Archive, string Signature, string[] Leftovers, IReadOnlyList<string> Notes) Recover()
    {
        var notes = LeftoverCleaner.CleanFolder(_dir.Path);
        return (File.ReadAllText(Archive), File.ReadAllText(Signature), Directory.GetFileSystemEntries(_dir.Path, ".*"), notes);
    }

    [Fact]
    public void KilledBeforeEitherRenameBothStayOld()
    {
        Prepare();

        var (archive, signature, leftovers, notes) = Recover();

        Assert.Equal(("old archive", "old signature"), (archive, signature));
        Assert.Empty(leftovers);
        Assert.Equal([$"interrupted signing of {Archive}: the archive and its signature are as they were before it"], notes);
    }

    [Fact]
    public void KilledBetweenTheRenamesThePairIsFinished()
    {
        Prepare();
        File.Move(ArchiveTemp, Archive, overwrite: true);

        var (archive, signature, leftovers, notes) = Recover();

        Assert.Equal(("new archive", "new signature"), (archive, signature));
        Assert.Empty(leftovers);
        Assert.Equal([$"interrupted signing of {Archive}: finished (its new signature is now in place)"], notes);
    }

    [Fact]
    public void KilledAfterBothRenamesOnlyTheLeftoversGo()
    {
        Prepare();
        File.Move(ArchiveTemp, Archive, overwrite: true);
        File.Move(SignatureTemp, Signature, overwrite: true);

        var (archive, signature, leftovers, _) = Recover();

        Assert.Equal(("new archive", "new signature"), (archive, signature));
        Assert.Empty(leftovers);
    }

    [Fact]
    public void KilledAfterPuttingTheOldArchiveBackBothStayOld()
    {
        Prepare();
        File.Move(ArchiveTemp, Archive, overwrite: true);
        File.Move(Backup, Archive, overwrite: true);

        var (archive, signature, leftovers, _) = Recover();

        Assert.Equal(("old archive", "old signature"), (archive, signature));
        Assert.Empty(leftovers);
    }

    [Fact]
    public void WhenTheSignatureCannotBeFinishedTheOldArchiveIsPutBack()
    {
        Prepare();
        File.Move(ArchiveTemp, Archive, overwrite: true);
        File.Delete(Signature);
        Directory.CreateDirectory(Signature);

        LeftoverCleaner.CleanFolder(_dir.Path);

        Assert.Equal("old archive", File.ReadAllText(Archive));
        Assert.True(Directory.Exists(Signature));
    }

    [Fact]
    public void ALiveRunsPairIsLeftAlone()
    {
        Prepare();
        using var held = new FileStream(_lock, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        File.Move(ArchiveTemp, Archive, overwrite: true);

        var notes = LeftoverCleaner.CleanFolder(_dir.Path);

        Assert.Empty(notes);
        Assert.True(File.Exists(Journal));
        Assert.True(File.Exists(SignatureTemp));
        Assert.Equal("old signature", File.ReadAllText(Signature));
    }
}
