using BuildSign.Testing;

namespace BuildSign.Action.Tests;

/// <summary>Checks on what the action printed.</summary>
public static class LogAssert
{
    /// <summary>
    /// The secret appears in standard output only in its own <c>::add-mask::</c> line (after which the
    /// runner hides it), that line comes before anything else mentions an input, and standard error
    /// never shows it.
    /// </summary>
    public static void MaskedOnly(ToolResult result, string secret)
    {
        var lines = result.StandardOutput.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var maskLine = lines.IndexOf("::add-mask::" + secret);
        Assert.True(maskLine >= 0, $"no ::add-mask:: for a secret in:\n{result.StandardOutput}");
        Assert.DoesNotContain(lines.Where((l, i) => i != maskLine), l => l.Contains(secret, StringComparison.Ordinal));
        Assert.DoesNotContain(secret, result.StandardError, StringComparison.Ordinal);
    }

    /// <summary>The error annotations (<c>::error …::message</c>) printed.</summary>
    public static IReadOnlyList<string> Errors(ToolResult result) =>
        result.StandardOutput.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith("::error", StringComparison.Ordinal)).ToList();
}
