using BuildSign.Testing;

namespace BuildSign.Core.Tests.Formats.Scripts;

/// <summary>osslsigncode as the independent signer and verifier of scripts (it picks the format by extension).</summary>
internal static class Osslsigncode
{
    public static ToolResult Verify(string path) =>
        ExternalTool.Run("osslsigncode", "verify", "-CAfile", TestPki.Shared.RootPem, "-in", path);

    public static void Sign(string input, string output)
    {
        var pki = TestPki.Shared;
        var result = ExternalTool.Run("osslsigncode", "sign", "-certs", pki.RsaLeafPem, "-key", pki.RsaKeyPem, "-h", "sha256", "-in", input, "-out", output);
        Assert.True(result.ExitCode == 0, result.Output);
    }

    /// <summary>The digest osslsigncode computes from the file ("Calculated message digest").</summary>
    public static string CalculatedDigest(ToolResult verify) =>
        verify.StandardOutput.Split('\n').Single(l => l.StartsWith("Calculated message digest", StringComparison.Ordinal)).Split(':')[1].Trim();
}
