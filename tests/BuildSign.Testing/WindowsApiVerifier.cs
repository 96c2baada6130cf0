using System.Globalization;

namespace BuildSign.Testing;

/// <summary>
/// Asks an independent implementation of the Windows APIs (Wine's wintrust and crypt32) whether
/// signatures verify: <c>WinVerify/winverify.c</c>, built with mingw-w64 once per test process,
/// run under Wine in one private prefix (created once per instance: <c>wineboot</c> is slow),
/// checking many files in one process. Folders of killed runs are removed by the next one. eng/setup.sh installs wine64 and gcc-mingw-w64-x86-64.
/// </summary>
public sealed class WindowsApiVerifier : IDisposable
{
    /// <summary>S_OK: the API accepts the signature.</summary>
    public const uint Ok = 0;
    /// <summary>TRUST_E_NOSIGNATURE: no signature in the file.</summary>
    public const uint NoSignature = 0x800B0100;
    /// <summary>CERT_E_UNTRUSTEDROOT: the signature verifies but its root is not trusted (a test CA).</summary>
    public const uint UntrustedRoot = 0x800B0109;
    /// <summary>TRUST_E_CERT_SIGNATURE: WinVerifyTrust cannot verify the signature (what the old OID gives).</summary>
    public const uint CertSignature = 0x80096004;
    /// <summary>NTE_BAD_SIGNATURE: CryptMsg finds the signature value invalid.</summary>
    public const uint BadSignature = 0x80090006;

    private const string Wine = "/usr/lib/wine/wine64";
    private const string WineServer = "/usr/lib/wine/wineserver";
    private const string Compiler = "x86_64-w64-mingw32-gcc";

    private readonly string _root;
    private readonly string _program;
    private readonly Dictionary<string, string?> _environment;
    private int _disposed;

    /// <summary>Builds the program and boots a private Wine prefix (tens of seconds): create one per test class or collection and dispose it.</summary>
    public WindowsApiVerifier()
    {
        OwnerOnlyDirectory.RemoveStale("buildsign-wine");
        _root = OwnerOnlyDirectory.Create(Path.Combine(Path.GetTempPath(), $"buildsign-wine-{Environment.ProcessId}-{Guid.NewGuid():N}"));
        _program = Path.Combine(_root, "winverify.exe");
        var source = Path.Combine(AppContext.BaseDirectory, "WinVerify", "winverify.c");
        var build = ExternalTool.Run(Compiler, ["-municode", "-O2", "-Wall", "-Werror", "-o", _program, source, "-lwintrust", "-lcrypt32"]);
        if (build.ExitCode != 0)
        {
            throw new InvalidOperationException($"building winverify.exe failed (is gcc-mingw-w64-x86-64 installed? eng/setup.sh installs it): {build.Output}");
        }
        _environment = new Dictionary<string, string?>
        {
            ["WINEPREFIX"] = Path.Combine(_root, "prefix"),
            ["WINEDEBUG"] = "-all",
            ["WINEDLLOVERRIDES"] = "mscoree,mshtml=",
            ["DISPLAY"] = null,
        };
        var boot = ExternalTool.Run(Wine, ["wineboot", "-i"], _environment, _root, TimeSpan.FromMinutes(3));
        if (boot.ExitCode != 0)
        {
            throw new InvalidOperationException($"wineboot failed (is wine64 installed? eng/setup.sh installs it): {boot.Output}");
        }
    }

    /// <summary>A PE file for WinVerifyTrust.</summary>
    public static string Pe(string path) => "pe:" + WindowsPath(path);

    /// <summary>A CMS signature with its content inside (NuGet's .signature.p7s).</summary>
    public static string Cms(string p7s) => "cms:" + WindowsPath(p7s);

    /// <summary>A detached CMS signature over <paramref name="content"/>.</summary>
    public static string Detached(string p7s, string content) => $"detached:{WindowsPath(p7s)}|{WindowsPath(content)}";

    /// <summary>Checks every item in one Wine process; returns each item's HRESULT.</summary>
    public IReadOnlyDictionary<string, uint> Check(IReadOnlyCollection<string> items)
    {
        var run = ExternalTool.Run(Wine, [_program, .. items], _environment, _root, TimeSpan.FromMinutes(3));
        // Stop the prefix's wineserver now rather than leave it lingering: at process exit there is
        // only time to delete the folder. The next check starts a new one.
        ExternalTool.Run(WineServer, ["-k"], _environment, _root, TimeSpan.FromSeconds(30));
        var results = new Dictionary<string, uint>();
        foreach (var line in run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (line.StartsWith("0x", StringComparison.Ordinal) && space > 0)
            {
                results[line[(space + 1)..]] = uint.Parse(line.AsSpan(2, space - 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            }
        }
        var missing = items.Where(i => !results.ContainsKey(i)).ToList();
        if (run.ExitCode != 0 || missing.Count > 0)
        {
            throw new InvalidOperationException($"winverify under Wine gave no result for {string.Join(", ", missing)} (exit {run.ExitCode}): {run.Output}");
        }
        return results;
    }

    /// <summary>An HRESULT as Windows prints it.</summary>
    public static string Format(uint hresult) => $"0x{hresult:X8}";

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        ExternalTool.Run(WineServer, ["-k"], _environment, _root, TimeSpan.FromSeconds(30));
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static string WindowsPath(string path) => "Z:" + Path.GetFullPath(path).Replace('\\', '/');
}
