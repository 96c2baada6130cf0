using BuildSign.Core.Files;
using BuildSign.Core.Formats;
using BuildSign.Core.Formats.Containers;

namespace BuildSign.Core.Pipeline.Containers;

/// <summary>
/// A private folder (owner-only) under the system temp directory where the signable files of
/// containers are extracted, signed and reassembled, so that no original is touched before the
/// final rename. Created on first use, deleted on dispose or, failing that, when the process exits.
/// </summary>
public sealed class ContainerWorkspace : IDisposable
{
    private readonly Lazy<string> _root;
    private int _folders;
    private int _disposed;

    /// <summary>Creates a workspace; nothing is written until a folder is asked for.</summary>
    public ContainerWorkspace()
    {
        _root = new Lazy<string>(CreateRoot, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>A new empty folder inside the workspace.</summary>
    public string NewFolder()
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var path = Path.Combine(_root.Value, Interlocked.Increment(ref _folders).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Deletes the workspace and everything in it.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1 || !_root.IsValueCreated)
        {
            return;
        }
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        Delete(_root.Value);
    }

    private const string NamePrefix = "buildsign-containers-";
    private static int _workspaces;

    private string CreateRoot()
    {
        RemoveDeadWorkspaces();
        var number = Interlocked.Increment(ref _workspaces).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var root = Path.Combine(Path.GetTempPath(), $"{NamePrefix}{LiveRuns.CurrentRunId}-{number}");
        // Extracted files are the user's build outputs: keep other local users out of them.
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(root);
        }
        else
        {
            Directory.CreateDirectory(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
        return root;
    }

    /// <summary>
    /// Deletes the workspaces of killed runs (named with their run id, judged by its lock), and those of
    /// earlier versions (named with a GUID) by age.
    /// </summary>
    internal static void RemoveDeadWorkspaces()
    {
        IEnumerable<string> folders;
        try
        {
            folders = [.. Directory.EnumerateDirectories(Path.GetTempPath(), NamePrefix + "*")];
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return;
        }
        foreach (var folder in folders)
        {
            var suffix = Path.GetFileName(folder.AsSpan())[NamePrefix.Length..];
            var dash = suffix.IndexOf('-');
            var written = Directory.GetLastWriteTimeUtc(folder);
            var dead = dash > 0 && LiveRuns.IsRunId(suffix[..dash])
                ? LiveRuns.IsDead(suffix[..dash].ToString(), written)
                : suffix.Length == 32 && DateTime.UtcNow - written > LiveRuns.UnknownOwnerAge;
            if (dead && new DirectoryInfo(folder).LinkTarget is null)
            {
                Delete(folder);
            }
        }
    }

    private void OnProcessExit(object? sender, EventArgs e) => Dispose();

    private static void Delete(string path)
    {
        try { Directory.Delete(path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
