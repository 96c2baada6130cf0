using System.IO.Compression;
using BuildSign.Core.Formats;
using BuildSign.Core.Formats.Zip;
using BuildSign.Core.Keys.Software;
using BuildSign.Core.Pipeline;
using BuildSign.Testing;

namespace BuildSign.Core.Tests.Formats.Containers;

/// <summary>Recursive runs through the real planner and pipeline with every built-in format, and archive inspection for the checks.</summary>
internal static class ContainerSigning
{
    public static SigningRunOptions Options(string path, ExistingSignatureAction? inner = null) => new()
    {
        Paths = [path],
        Recursive = true,
        OnExistingInnerSignature = inner ?? ExistingSignatureAction.Skip,
        MaxParallelFiles = 2,
    };

    public static Task<SigningPlan> PlanAsync(SigningRunOptions options) =>
        new SigningPlanner(DefaultFormats.CreateRegistry()).PlanAsync(options, CancellationToken.None);

    public static async Task<(SigningRunResult Run, CountingSigningKey Key)> SignAsync(string path, ExistingSignatureAction? inner = null)
    {
        var options = Options(path, inner);
        using var plan = await PlanAsync(options);
        var key = new CountingSigningKey(SoftwareSigningKey.Load(TestPki.Shared.RsaPfx));
        await using (key)
        {
            var run = await new SigningPipeline(key, timestamper: null).ExecuteAsync(plan, options, CancellationToken.None);
            return (run, key);
        }
    }

    /// <summary>Extracts one entry to <paramref name="output"/> with the BCL's reader (not ours).</summary>
    public static string Extract(string archive, string entryName, string output)
    {
        using var zip = ZipFile.OpenRead(archive);
        var entry = zip.GetEntry(entryName) ?? throw new InvalidOperationException($"no entry {entryName}");
        entry.ExtractToFile(output);
        return output;
    }

    /// <summary>Entry names and their times, in central directory order.</summary>
    public static IReadOnlyList<(string Name, DateTimeOffset Time)> Entries(string archive)
    {
        using var zip = ZipFile.OpenRead(archive);
        return [.. zip.Entries.Select(e => (e.FullName, e.LastWriteTime))];
    }

    /// <summary>The raw local record (header, name, extra, compressed data) of an entry.</summary>
    public static byte[] LocalRecord(string archive, string entryName)
    {
        var entry = ZipArchiveReader.ReadFile(archive).Find(entryName)!;
        using var stream = File.OpenRead(archive);
        stream.Position = entry.LocalHeaderOffset;
        var bytes = new byte[entry.LocalEntryLength];
        stream.ReadExactly(bytes);
        return bytes;
    }

    /// <summary><c>openssl cms -verify</c> of FILE against FILE.p7s, trusting the test root.</summary>
    public static ToolResult OpenSslVerify(string file) =>
        ExternalTool.Run("openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", file + ".p7s", "-content", file, "-CAfile", TestPki.Shared.RootPem, "-purpose", "any", "-out", "/dev/null");

    public static void AssertVerifies(ToolResult result) => Assert.True(result.ExitCode == 0, result.Output);
}
