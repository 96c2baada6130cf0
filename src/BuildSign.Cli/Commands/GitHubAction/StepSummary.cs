using System.Globalization;
using System.Text;
using BuildSign.Core.Api;

namespace BuildSign.Cli.Commands.GitHubAction;

/// <summary>
/// Appends the run's Markdown summary to the file named by <c>GITHUB_STEP_SUMMARY</c>: one table
/// row per file (file, format, digest, timestamp, key protection, result), then the totals.
/// </summary>
internal sealed class StepSummary(string? summaryFile)
{
    // GitHub refuses step summaries over 1 MiB; a huge run keeps the first rows and says so.
    private const int MaxRows = 2000;

    /// <summary>Writes the summary of a signing run; <paramref name="relative"/> turns full paths into workspace paths.</summary>
    public void Write(string heading, SignResult result, Func<string, string> relative)
    {
        if (string.IsNullOrEmpty(summaryFile))
        {
            return;
        }
        var text = new StringBuilder();
        text.Append("### ").Append(Cell(heading)).Append("\n\n");
        if (result.Key is not null)
        {
            text.Append("Key: `").Append(Code(result.Key)).Append('`');
            if (result.CertificateThumbprint is not null)
            {
                text.Append(", certificate SHA-256 `").Append(result.CertificateThumbprint).Append('`');
            }
            text.Append("\n\n");
        }
        text.Append("| File | Format | Digest | Timestamp | Key protection | Result |\n");
        text.Append("| --- | --- | --- | --- | --- | --- |\n");
        foreach (var file in result.Files.Take(MaxRows))
        {
            text.Append("| `").Append(Code(relative(file.File))).Append("` | ")
                .Append(Cell(file.Format)).Append(" | ")
                .Append(file.Digest is null ? "" : $"{file.DigestAlgorithm} `{file.Digest[..Math.Min(16, file.Digest.Length)]}…`").Append(" | ")
                .Append(file.TimestampTime is { } time ? time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : "none").Append(" | ")
                .Append(Cell(file.KeyProtection ?? "")).Append(" | ")
                .Append(Outcome(file)).Append(" |\n");
        }
        if (result.Files.Count > MaxRows)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n{result.Files.Count - MaxRows} more files are not listed here; see the log.\n");
        }
        text.Append(CultureInfo.InvariantCulture, $"\n**{result.Signed} signed, {result.Skipped} skipped, {result.Failed} failed**");
        if (result.DryRun)
        {
            text.Append(" (dry run: nothing was changed)");
        }
        text.Append("\n\n");
        if (result.Error is not null)
        {
            text.Append("Error: ").Append(Cell(result.Error)).Append("\n\n");
        }
        File.AppendAllText(summaryFile, text.ToString(), new UTF8Encoding(false));
    }

    private static string Outcome(FileResult file)
    {
        var status = file.Status.ToString().ToLowerInvariant();
        return file.Error is null ? status : $"{status}: {Cell(file.Error)}";
    }

    // A table cell must not contain a line break or an unescaped pipe; HTML is not interpreted
    // from file names either.
    private static string Cell(string text) => Output.TerminalText.Escape(text.Replace("\r", " ", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal))
        .Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("|", "\\|", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal);

    // Inside a code span only the backtick and the pipe matter.
    private static string Code(string text) => Output.TerminalText.Escape(text.Replace("\r", " ", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal))
        .Replace("`", "'", StringComparison.Ordinal)
        .Replace("|", "\\|", StringComparison.Ordinal);
}
