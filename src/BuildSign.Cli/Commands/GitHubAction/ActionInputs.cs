using System.Globalization;

namespace BuildSign.Cli.Commands.GitHubAction;

/// <summary>
/// Reads the action's inputs as the runner passes them to a container: one environment variable
/// per input, <c>INPUT_</c> plus the name in upper case with hyphens kept (<c>INPUT_TIMESTAMP-URL</c>).
/// The runner does not enforce <c>required:</c> or types, so every value is checked here and each
/// problem is recorded against the input's name.
/// </summary>
internal sealed class ActionInputs(Func<string, string?> environment)
{
    private readonly List<InputProblem> _problems = [];
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    /// <summary>Every problem found so far, in the order found.</summary>
    public IReadOnlyList<InputProblem> Problems => _problems;

    /// <summary>The names of the inputs read so far (the contract test compares them with action.yml).</summary>
    public IReadOnlyCollection<string> Read => _read;

    /// <summary>The environment variable an input arrives in.</summary>
    public static string VariableName(string input) => "INPUT_" + input.Replace(' ', '_').ToUpperInvariant();

    /// <summary>The trimmed value, or null when the input is absent or blank.</summary>
    public string? Text(string name)
    {
        _read.Add(name);
        var value = environment(VariableName(name))?.Trim();
        return string.IsNullOrEmpty(value) ? null : value;
    }

    /// <summary>The value, or a problem when it is absent.</summary>
    public string Required(string name)
    {
        var value = Text(name);
        if (value is null)
        {
            Problem(name, "is required");
            return "";
        }
        return value;
    }

    /// <summary>The non-blank lines of a multi-line input, trimmed.</summary>
    public IReadOnlyList<string> Lines(string name) =>
        Text(name) is { } value
            ? [.. value.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0)]
            : [];

    /// <summary>A boolean in YAML's core-schema spelling (true/True/TRUE/false/False/FALSE), as the toolkit accepts.</summary>
    public bool Boolean(string name, bool defaultValue)
    {
        var value = Text(name);
        switch (value)
        {
            case null: return defaultValue;
            case "true" or "True" or "TRUE": return true;
            case "false" or "False" or "FALSE": return false;
            default:
                Problem(name, $"must be true or false, not '{Shown(value)}'");
                return defaultValue;
        }
    }

    /// <summary>A whole number within bounds.</summary>
    public int Integer(string name, int defaultValue, int minimum, int maximum)
    {
        var value = Text(name);
        if (value is null)
        {
            return defaultValue;
        }
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < minimum || number > maximum)
        {
            Problem(name, $"must be a whole number from {minimum} to {maximum}, not '{Shown(value)}'");
            return defaultValue;
        }
        return number;
    }

    /// <summary>One of a fixed set of words.</summary>
    public string Choice(string name, string defaultValue, params string[] allowed)
    {
        var value = Text(name);
        if (value is null)
        {
            return defaultValue;
        }
        var match = allowed.FirstOrDefault(a => string.Equals(a, value, StringComparison.OrdinalIgnoreCase));
        if (match is null)
        {
            Problem(name, $"must be one of {string.Join(", ", allowed)}, not '{Shown(value)}'");
            return defaultValue;
        }
        return match;
    }

    /// <summary>An absolute http or https URL.</summary>
    public Uri? Url(string name, string value)
    {
        if (Uri.TryCreate(value, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps))
        {
            return url;
        }
        Problem(name, $"'{Shown(value)}' is not an http or https URL");
        return null;
    }

    /// <summary>Records a problem with an input.</summary>
    public void Problem(string name, string message) => _problems.Add(new InputProblem(name, message));

    // A bad value is shown so the user can find it, but cut short: it might be a pasted secret's neighbour.
    private static string Shown(string value) => value.Length <= 60 ? value : value[..57] + "...";
}

/// <summary>A problem with one input: shown as an error annotation titled with the input's name.</summary>
internal sealed record InputProblem(string Input, string Message)
{
    public override string ToString() => $"input '{Input}' {Message}";
}
