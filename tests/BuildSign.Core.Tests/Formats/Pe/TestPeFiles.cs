using System.Runtime.InteropServices;
using BuildSign.Testing;

namespace BuildSign.Core.Tests.Formats.Pe;

/// <summary>
/// Real PE files from the running .NET runtime: System.Runtime.dll is an IL-only PE32,
/// System.ComponentModel.dll a ReadyToRun PE32+. Both are small and signed by Microsoft.
/// </summary>
internal static class TestPeFiles
{
    public const string Pe32 = "pe32";
    public const string Pe32Plus = "pe32plus";

    public static string RuntimeDirectory => RuntimeEnvironment.GetRuntimeDirectory();

    /// <summary>The Microsoft-signed original.</summary>
    public static string Signed(string kind) => Path.Combine(RuntimeDirectory, kind switch
    {
        Pe32 => "System.Runtime.dll",
        Pe32Plus => "System.ComponentModel.dll",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    });

    /// <summary>An unsigned copy (signature stripped by osslsigncode) in <paramref name="directory"/>.</summary>
    public static string Unsigned(TempDirectory directory, string kind, bool withOverlay = false)
    {
        var path = directory.File($"{kind}{(withOverlay ? "-overlay" : "")}.dll");
        var result = ExternalTool.Run("osslsigncode", "remove-signature", "-in", Signed(kind), "-out", path);
        Assert.True(result.ExitCode == 0, result.Output);
        if (withOverlay)
        {
            // Data after the last section, of a length that is not a multiple of 8.
            using var stream = new FileStream(path, FileMode.Append);
            stream.Write(Enumerable.Range(0, 1001).Select(i => (byte)(i * 7)).ToArray());
        }
        return path;
    }

    /// <summary>Signs with osslsigncode and the test PKI's RSA key.</summary>
    public static string SignWithOsslsigncode(string input, string output, string digest)
    {
        var pki = TestPki.Shared;
        var result = ExternalTool.Run("osslsigncode", "sign", "-certs", pki.RsaLeafPem, "-key", pki.RsaKeyPem, "-h", digest, "-in", input, "-out", output);
        Assert.True(result.ExitCode == 0, result.Output);
        return output;
    }

    /// <summary>Runs osslsigncode verify against the test root and returns its result.</summary>
    public static ToolResult VerifyWithOsslsigncode(string path) =>
        ExternalTool.Run("osslsigncode", "verify", "-CAfile", TestPki.Shared.RootPem, "-in", path);

    /// <summary>The "Calculated message digest" osslsigncode prints for each signature, in order.</summary>
    public static IReadOnlyList<string> CalculatedDigests(ToolResult verify) =>
        verify.StandardOutput.Split('\n')
            .Where(l => l.StartsWith("Calculated message digest", StringComparison.Ordinal))
            .Select(l => l.Split(':')[1].Trim())
            .ToList();

    /// <summary>Each signature's block of osslsigncode verify output ("Signature Index: n" onwards).</summary>
    public static IReadOnlyList<string> SignatureBlocks(ToolResult verify) =>
        verify.StandardOutput.Split("Signature Index:").Skip(1).ToList();

    /// <summary>Flips one byte at <paramref name="offset"/>.</summary>
    public static void FlipByte(string path, long offset)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        stream.Position = offset;
        var value = stream.ReadByte();
        stream.Position = offset;
        stream.WriteByte((byte)(value ^ 0x5A));
    }
}
