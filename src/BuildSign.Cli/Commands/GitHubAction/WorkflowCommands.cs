using System.Text;

namespace BuildSign.Cli.Commands.GitHubAction;

/// <summary>
/// Writes GitHub Actions workflow commands (<c>::name key=value,…::data</c>) to the log. The runner
/// reads one command per line and unescapes <c>%25 %0D %0A</c> in the data and additionally
/// <c>%3A %2C</c> in property values, so untrusted text (file names, error messages) is escaped
/// here and can never end a command early, start a second one, or change a property.
/// </summary>
internal sealed class WorkflowCommands(TextWriter log)
{
    private readonly Lock _gate = new();

    /// <summary>The log the commands go to (standard output of the action).</summary>
    public TextWriter Log => log;

    /// <summary>Registers a secret with the runner, which then replaces it with *** in every later log line.</summary>
    public void AddMask(string secret)
    {
        // The runner masks each registered value; a multi-line secret is registered line by line
        // as well, because a log line can only ever contain one of its lines.
        foreach (var value in MaskedValues(secret))
        {
            Write("add-mask", null, value);
        }
    }

    /// <summary>Opens a collapsible group of log lines.</summary>
    public void Group(string title) => Write("group", null, title);

    /// <summary>Closes the group opened last.</summary>
    public void EndGroup() => Write("endgroup", null, "");

    /// <summary>An error annotation, on a file when <paramref name="file"/> is given (workspace-relative).</summary>
    public void Error(string message, string? file = null, string? title = null) => Annotate("error", message, file, title);

    /// <summary>A warning annotation.</summary>
    public void Warning(string message, string? file = null, string? title = null) => Annotate("warning", message, file, title);

    /// <summary>A notice annotation.</summary>
    public void Notice(string message, string? file = null, string? title = null) => Annotate("notice", message, file, title);

    /// <summary>A plain log line; control characters in it are escaped so it cannot forge a command.</summary>
    public void Info(string line)
    {
        lock (_gate)
        {
            log.WriteLine(EscapeLine(line));
        }
    }

    /// <summary>Escapes a command's data: % first, then CR and LF.</summary>
    public static string EscapeData(string value) => value
        .Replace("%", "%25", StringComparison.Ordinal)
        .Replace("\r", "%0D", StringComparison.Ordinal)
        .Replace("\n", "%0A", StringComparison.Ordinal);

    /// <summary>Escapes a property value: as data, plus the <c>:</c> and <c>,</c> that delimit properties.</summary>
    public static string EscapeProperty(string value) => EscapeData(value)
        .Replace(":", "%3A", StringComparison.Ordinal)
        .Replace(",", "%2C", StringComparison.Ordinal);

    private void Annotate(string kind, string message, string? file, string? title)
    {
        var properties = new List<KeyValuePair<string, string>>();
        if (!string.IsNullOrEmpty(file))
        {
            properties.Add(new("file", file));
        }
        if (!string.IsNullOrEmpty(title))
        {
            properties.Add(new("title", title));
        }
        Write(kind, properties, message);
    }

    private void Write(string command, IReadOnlyList<KeyValuePair<string, string>>? properties, string data)
    {
        var line = new StringBuilder("::").Append(command);
        if (properties is { Count: > 0 })
        {
            line.Append(' ').AppendJoin(',', properties.Select(p => $"{p.Key}={EscapeProperty(p.Value)}"));
        }
        line.Append("::").Append(EscapeData(data));
        lock (_gate)
        {
            log.WriteLine(line.ToString());
            log.Flush();
        }
    }

    // A plain line that starts with "::" would be read as a command; C0 controls could hide text.
    private static string EscapeLine(string line)
    {
        var escaped = Output.TerminalText.Escape(line);
        return escaped.StartsWith("::", StringComparison.Ordinal) ? " " + escaped : escaped;
    }

    private static IEnumerable<string> MaskedValues(string secret)
    {
        if (string.IsNullOrWhiteSpace(secret))
        {
            yield break;
        }
        var lines = secret.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0).ToList();
        if (lines.Count > 1)
        {
            foreach (var line in lines)
            {
                yield return line;
            }
        }
        yield return secret;
    }
}
