using BuildSign.Testing;

namespace BuildSign.Core.Tests.Formats.NuGet;

/// <summary>
/// On Linux NuGet trusts only the SDK's own bundles (trustedroots/codesignctl.pem and
/// timestampctl.pem). This adds the test root to both for the test run and takes exactly that
/// block out again on dispose (or at process exit), so other runs sharing the SDK are untouched.
/// </summary>
internal sealed class SdkTrustedRoots : IDisposable
{
    private readonly List<string> _bundles = [];
    private readonly string _block;
    private int _removed;

    public SdkTrustedRoots(string rootPemPath)
    {
        _block = $"\n# BuildSign test root (process {System.Environment.ProcessId}, {Guid.NewGuid():N})\n{File.ReadAllText(rootPemPath).Trim()}\n";
        var directory = Path.Combine(FindSdkDirectory(), "trustedroots");
        foreach (var name in new[] { "codesignctl.pem", "timestampctl.pem" })
        {
            var bundle = Path.Combine(directory, name);
            File.AppendAllText(bundle, _block);
            _bundles.Add(bundle);
        }
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Dispose();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _removed, 1) == 1)
        {
            return;
        }
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
}
