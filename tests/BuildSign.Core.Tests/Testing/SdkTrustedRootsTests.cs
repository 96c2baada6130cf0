using System.Security.Cryptography;
using BuildSign.Testing;

namespace BuildSign.Core.Tests.Testing;

/// <summary>The tests' NuGet trust never touches the installed SDK and cleans up what older runs left.</summary>
public sealed class SdkTrustedRootsTests
{
    private static Dictionary<string, string> Hashes(string directory) =>
        Directory.EnumerateFiles(directory).ToDictionary(f => Path.GetFileName(f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    [Fact]
    public void The_private_SDK_trusts_the_test_root_and_the_installed_bundles_stay_byte_for_byte_the_same()
    {
        var installed = SdkTrustedRoots.InstalledTrustedRootsDirectory;
        var before = Hashes(installed);
        var root = File.ReadAllText(TestPki.Shared.RootPem).Trim();
        string privateRoot;

        using (var trust = new SdkTrustedRoots(TestPki.Shared.RootPem))
        {
            privateRoot = Path.GetDirectoryName(trust.DotnetPath)!;
            var bundles = Directory.GetDirectories(Path.Combine(privateRoot, "sdk")).Single();
            Assert.Contains(root, File.ReadAllText(Path.Combine(bundles, "trustedroots", "codesignctl.pem")), StringComparison.Ordinal);
            Assert.Contains(root, File.ReadAllText(Path.Combine(bundles, "trustedroots", "timestampctl.pem")), StringComparison.Ordinal);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(privateRoot));
            }
            Assert.Equal(before, Hashes(installed));
            Assert.DoesNotContain(root, File.ReadAllText(Path.Combine(installed, "codesignctl.pem")), StringComparison.Ordinal);
        }

        Assert.False(Directory.Exists(privateRoot));
        Assert.Equal(before, Hashes(installed));
    }

    [Fact]
    public void Blocks_left_by_killed_runs_are_removed_and_a_live_runs_block_is_kept()
    {
        using var folder = new TempDirectory();
        var pem = File.ReadAllText(TestPki.Shared.RootPem).Trim();
        const int gone = int.MaxValue - 7; // no such process
        var live = Environment.ProcessId == 1 ? 2 : 1; // init (or kthreadd) is always running
        var original = "-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\n";
        var stale = $"\n# BuildSign test root (process {gone}, 0123abcd)\n{pem}\n";
        var kept = $"\n# BuildSign test root (process {live}, 4567ef01)\n{pem}\n";
        File.WriteAllText(folder.File("codesignctl.pem"), original + stale + kept);

        var removed = SdkTrustedRoots.RemoveStaleBlocks(folder.Path);

        Assert.Equal(1, removed);
        Assert.Equal(original + kept, File.ReadAllText(folder.File("codesignctl.pem")));
    }
}
