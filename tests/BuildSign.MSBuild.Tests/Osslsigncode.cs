using BuildSign.Testing;

namespace BuildSign.MSBuild.Tests;

/// <summary>osslsigncode, the independent verifier of Authenticode signatures.</summary>
internal static class Osslsigncode
{
    /// <summary>Asserts that the file has one signature that chains to the test root, with a timestamp from the test TSA.</summary>
    public static void AssertSigned(string path)
    {
        Assert.True(File.Exists(path), $"{path} does not exist");
        var result = ExternalTool.Run("osslsigncode", "verify", "-CAfile", TestPki.Shared.RootPem, "-TSA-CAfile", TestPki.Shared.RootPem, "-in", path);
        Assert.True(result.ExitCode == 0, $"{path}: osslsigncode verify failed:\n{result.Output}");
        Assert.Contains("Signature verification: ok", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Timestamp verified using:", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Number of verified signatures: 1", result.StandardOutput, StringComparison.Ordinal);
    }

    /// <summary>Asserts that the file is a readable PE file without a signature.</summary>
    public static void AssertUnsigned(string path)
    {
        Assert.True(File.Exists(path), $"{path} does not exist");
        var result = ExternalTool.Run("osslsigncode", "verify", "-in", path);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("No signature found", result.Output, StringComparison.Ordinal);
    }
}
