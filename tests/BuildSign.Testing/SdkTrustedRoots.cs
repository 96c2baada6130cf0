
namespace BuildSign.Testing;

/// <summary>
/// On Linux NuGet trusts only the SDK's own bundles (trustedroots/codesignctl.pem and
/// timestampctl.pem). This adds the test root to both for the test run and takes exactly that
/// block out again on dispose (or at process exit), so other runs sharing the SDK are untouched.
/// </summary>
public sealed class SdkTrustedRoots : IDisposable
{
    private readonly List<string> _bundles = [];
    private readonly string _block;
    private int _removed;

    public SdkTrustedRoots(string rootPemPath)
    {
        _block = $"\n# BuildSign test root (process {System.Environment.ProcessId}, {Guid.NewGuid():N})\n{File.ReadAllText(rootPemPath).Trim()}\n";
        var directory = Path.Combine(FindSdkDirectory(), "trustedroots");
        using (BundleLock.Take())
        {
            foreach (var name in new[] { "codesignctl.pem", "timestampctl.pem" })
            {
                var bundle = Path.Combine(directory, name);
                File.AppendAllText(bundle, _block);
                _bundles.Add(bundle);
            }
        }
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Dispose();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _removed, 1) == 1)
        {
            return;
        }
        using var held = BundleLock.Take();
        foreach (var bundle in _bundles)
        {
            var text = File.ReadAllText(bundle);
            var at = text.IndexOf(_block, StringComparison.Ordinal);
            if (at >= 0)
            {
                File.WriteAllText(bundle, text.Remove(at, _block.Length));
            }
        }
    }

    /// <summary>The SDK that a plain <c>dotnet</c> runs: the newest listed by <c>dotnet --list-sdks</c>.</summary>
    private static string FindSdkDirectory()
    {
        var result = ExternalTool.Run("dotnet", "--list-sdks");
        var last = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
        // "10.0.401 [/usr/share/dotnet/sdk]"
        var version = last[..last.IndexOf(' ', StringComparison.Ordinal)];
        var root = last[(last.IndexOf('[', StringComparison.Ordinal) + 1)..last.LastIndexOf(']')];
        return Path.Combine(root, version);
    }

    /// <summary>
    /// Test processes run side by side (one per test project) and each edits the same bundles:
    /// an exclusive lock file keeps one read-modify-write from undoing another's.
    /// </summary>
    private static class BundleLock
    {
        private static readonly string LockPath = Path.Combine(Path.GetTempPath(), "buildsign-sdk-trustedroots.lock");

        public static FileStream Take()
        {
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    return new FileStream(LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                }
                catch (IOException) when (attempt < 600)
                {
                    Thread.Sleep(50);
                }
            }
        }
    }
}
