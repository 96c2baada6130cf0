namespace BuildSign.Core.Files;

/// <summary>
/// Tells a live BuildSign run's leftovers from a killed one's. Every process that writes holds an
/// exclusive lock on its own file in a per-user folder under the temp directory for as long as it
/// lives, and names its temporary files, journals and workspaces with its run id. The operating
/// system drops the lock when the process dies, however it dies, so a lock that can be taken
/// belongs to a dead run whose leftovers are safe to remove.
/// </summary>
public static class LiveRuns
{
    /// <summary>How long leftovers whose run cannot be judged (no lock file) are kept: they might be another user's live run.</summary>
    public static readonly TimeSpan UnknownOwnerAge = TimeSpan.FromDays(1);

    private static readonly Lazy<(string Id, FileStream Lock)> Current = new(Acquire, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>This process's run id: 12 lower-case hex digits.</summary>
    public static string CurrentRunId => Current.Value.Id;

    /// <summary>Whether leftovers of <paramref name="runId"/> may be removed, judged by its lock, or by age when it has none.</summary>
    public static bool IsDead(string runId, DateTime leftoverWrittenUtc)
    {
        if (runId == CurrentRunId)
        {
            return false;
        }
        var path = LockPath(runId);
        if (!File.Exists(path))
        {
            return DateTime.UtcNow - leftoverWrittenUtc > UnknownOwnerAge;
        }
        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>True for the 12 hex digits of a run id.</summary>
    public static bool IsRunId(ReadOnlySpan<char> text) => text.Length == 12 && !text.ContainsAnyExcept("0123456789abcdef");

    private static string Folder => Path.Combine(Path.GetTempPath(), $"buildsign-runs-{Environment.UserName}");

    private static string LockPath(string runId) => Path.Combine(Folder, runId + ".lock");

    private static (string, FileStream) Acquire()
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(Folder);
        }
        else
        {
            Directory.CreateDirectory(Folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        RemoveDeadLocks();
        while (true)
        {
            var id = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6));
            try
            {
                // Held until the process ends; never disposed.
                return (id, new FileStream(LockPath(id), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose));
            }
            catch (IOException) when (File.Exists(LockPath(id)))
            {
                // Six random bytes collided with an existing lock: draw again.
            }
        }
    }

    // Lock files of runs that died more than a day ago are no longer needed to judge their leftovers
    // (the age rule applies by then anyway).
    private static void RemoveDeadLocks()
    {
        try
        {
            foreach (var file in Directory.EnumerateFiles(Folder, "*.lock"))
            {
                if (DateTime.UtcNow - File.GetLastWriteTimeUtc(file) <= UnknownOwnerAge)
                {
                    continue;
                }
                try
                {
                    using var probe = new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
                }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
