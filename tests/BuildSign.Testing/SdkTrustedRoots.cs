using System.Text.RegularExpressions;

namespace BuildSign.Testing;

/// <summary>
/// On Linux NuGet trusts only the SDK's own bundles (trustedroots/codesignctl.pem and
/// timestampctl.pem next to its assemblies). Rather than edit the machine's SDK, this builds a
/// private view of it in an owner-only temp folder: a copy of the <c>dotnet</c> muxer, links to
/// the installed runtime and SDK files, real copies of the few files the host resolves to their
/// real path (so the SDK is found here, not in the installation), and private bundles holding
/// the test root. <c>dotnet nuget sign/verify</c> run through <see cref="DotnetPath"/> trust the
/// test root; the installed SDK is never changed, so a killed run leaves nothing trusted behind.
/// </summary>
public sealed partial class SdkTrustedRoots : IDisposable
{
    private const string Prefix = "buildsign-sdk";

    // Files the .NET host opens by their real path (the app it runs): copied, not linked, so that
    // AppContext.BaseDirectory and NuGet's trustedroots lookup stay inside the private view.
    private static readonly string[] CopiedSdkFiles =
    [
        "dotnet.dll", "dotnet.deps.json", "dotnet.runtimeconfig.json",
        "NuGet.CommandLine.XPlat.dll", "NuGet.CommandLine.XPlat.deps.json", "NuGet.CommandLine.XPlat.runtimeconfig.json",
    ];

    private readonly string _root;
    private int _removed;

    /// <summary>Builds the private SDK view trusting <paramref name="rootPemPath"/> for code signing and timestamping.</summary>
    public SdkTrustedRoots(string rootPemPath)
    {
        OwnerOnlyDirectory.RemoveStale(Prefix);
        RemoveStaleBlocks(InstalledTrustedRootsDirectory);

        var (installation, version) = FindSdk();
        _root = OwnerOnlyDirectory.Create(Path.Combine(Path.GetTempPath(), $"{Prefix}-{Environment.ProcessId}-{Guid.NewGuid():N}"));
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Dispose();

        var muxer = Path.Combine(installation, "dotnet");
        DotnetPath = Path.Combine(_root, "dotnet");
        File.Copy(muxer, DotnetPath);
        foreach (var entry in Directory.EnumerateFileSystemEntries(installation))
        {
            var name = Path.GetFileName(entry);
            if (name is not ("dotnet" or "sdk"))
            {
                File.CreateSymbolicLink(Path.Combine(_root, name), entry);
            }
        }
        var sdk = Path.Combine(installation, "sdk", version);
        var privateSdk = Directory.CreateDirectory(Path.Combine(_root, "sdk", version)).FullName;
        foreach (var entry in Directory.EnumerateFileSystemEntries(sdk))
        {
            var name = Path.GetFileName(entry);
            var target = Path.Combine(privateSdk, name);
            if (name == "trustedroots") continue;
            if (CopiedSdkFiles.Contains(name)) File.Copy(entry, target);
            else File.CreateSymbolicLink(target, entry);
        }
        var trustedRoots = Directory.CreateDirectory(Path.Combine(privateSdk, "trustedroots")).FullName;
        var block = $"\n# BuildSign test root\n{File.ReadAllText(rootPemPath).Trim()}\n";
        foreach (var bundle in Directory.EnumerateFiles(Path.Combine(sdk, "trustedroots")))
        {
            var copy = Path.Combine(trustedRoots, Path.GetFileName(bundle));
            File.Copy(bundle, copy);
            if (Path.GetFileName(bundle) is "codesignctl.pem" or "timestampctl.pem")
            {
                File.AppendAllText(copy, block);
            }
        }
    }

    /// <summary>The private <c>dotnet</c> whose NuGet trusts the test root.</summary>
    public string DotnetPath { get; }

    /// <summary>The installed SDK's trustedroots folder (never written by this class).</summary>
    public static string InstalledTrustedRootsDirectory
    {
        get
        {
            var (installation, version) = FindSdk();
            return Path.Combine(installation, "sdk", version, "trustedroots");
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _removed, 1) == 1)
        {
            return;
        }
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>
    /// Earlier versions of these tests appended "# BuildSign test root (process N, …)" blocks to the
    /// installed bundles; a killed run left its block there. Removes from the bundles in
    /// <paramref name="trustedRootsDirectory"/> the blocks of processes that are gone (a live run's
    /// block is left alone), when the bundle is writable; returns how many it removed.
    /// </summary>
    public static int RemoveStaleBlocks(string trustedRootsDirectory)
    {
        var removed = 0;
        foreach (var bundle in Directory.EnumerateFiles(trustedRootsDirectory, "*.pem"))
        {
            var text = File.ReadAllText(bundle);
            var cleaned = LegacyBlock().Replace(text, match =>
            {
                if (!OwnerOnlyDirectory.OwnerProcessIsGone(int.Parse(match.Groups["pid"].Value, System.Globalization.CultureInfo.InvariantCulture))) return match.Value;
                removed++;
                return "";
            });
            if (cleaned == text)
            {
                continue;
            }
            // Older runs edit the bundles under this lock; re-read inside it so a live run's
            // block appended meanwhile is not lost.
            using var held = LegacyBundleLock.Take();
            var current = File.ReadAllText(bundle);
            var currentCleaned = LegacyBlock().Replace(current, m => OwnerOnlyDirectory.OwnerProcessIsGone(int.Parse(m.Groups["pid"].Value, System.Globalization.CultureInfo.InvariantCulture)) ? "" : m.Value);
            try { File.WriteAllText(bundle, currentCleaned); } catch (UnauthorizedAccessException) { }
        }
        return removed;
    }

    /// <summary>The lock file earlier versions took around each edit of the installed bundles.</summary>
    private static class LegacyBundleLock
    {
        private static readonly string LockPath = Path.Combine(Path.GetTempPath(), "buildsign-sdk-trustedroots.lock");

        public static FileStream Take()
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                try
                {
                    return new FileStream(LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                }
                catch (IOException) when (DateTime.UtcNow < deadline)
                {
                    Thread.Sleep(50);
                }
            }
        }
    }

    [GeneratedRegex(@"\n# BuildSign test root \(process (?<pid>[0-9]+), [0-9a-f]+\)\n-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+?-----END CERTIFICATE-----\n")]
    private static partial Regex LegacyBlock();

    /// <summary>The installation and version a plain <c>dotnet</c> runs: the newest SDK of <c>dotnet --list-sdks</c>.</summary>
    private static (string Installation, string Version) FindSdk()
    {
        var result = ExternalTool.Run("dotnet", ["--list-sdks"]);
        var last = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
        // "10.0.401 [/usr/share/dotnet/sdk]"
        var version = last[..last.IndexOf(' ', StringComparison.Ordinal)];
        var sdkFolder = last[(last.IndexOf('[', StringComparison.Ordinal) + 1)..last.LastIndexOf(']')];
        return (Path.GetDirectoryName(sdkFolder)!, version);
    }
}
