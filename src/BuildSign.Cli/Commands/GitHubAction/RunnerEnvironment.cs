using BuildSign.Core.Keys;

namespace BuildSign.Cli.Commands.GitHubAction;

/// <summary>What the GitHub Actions runner tells a step through its environment.</summary>
internal sealed class RunnerEnvironment(Func<string, string?> environment)
{
    /// <summary>Reads the process environment.</summary>
    public static RunnerEnvironment FromProcess() => new(Environment.GetEnvironmentVariable);

    /// <summary>The checked-out repository (<c>/github/workspace</c> in a container action); the current folder outside a runner.</summary>
    public string Workspace => Path.GetFullPath(Value("GITHUB_WORKSPACE") ?? Environment.CurrentDirectory);

    /// <summary>The file step outputs are appended to.</summary>
    public string? OutputFile => Value("GITHUB_OUTPUT");

    /// <summary>The file the step's Markdown summary is appended to.</summary>
    public string? StepSummaryFile => Value("GITHUB_STEP_SUMMARY");

    /// <summary>The REST API root: https://api.github.com, or https://HOST/api/v3 on GitHub Enterprise Server.</summary>
    public Uri ApiUrl => new(Value("GITHUB_API_URL") ?? "https://api.github.com");

    /// <summary>owner/name of the repository the workflow runs in.</summary>
    public string? Repository => Value("GITHUB_REPOSITORY");

    /// <summary>The event that started the workflow (push, release, …).</summary>
    public string? EventName => Value("GITHUB_EVENT_NAME");

    /// <summary>The file holding the event's webhook payload.</summary>
    public string? EventPath => Value("GITHUB_EVENT_PATH");

    /// <summary>Where to ask for an OIDC token; set only when the job has <c>id-token: write</c>.</summary>
    public string? IdTokenRequestUrl => Value("ACTIONS_ID_TOKEN_REQUEST_URL");

    /// <summary>The bearer token for <see cref="IdTokenRequestUrl"/>.</summary>
    public string? IdTokenRequestToken => Value("ACTIONS_ID_TOKEN_REQUEST_TOKEN");

    /// <summary>A variable of the environment; null when unset or blank.</summary>
    public string? Value(string name) => environment(name) is { Length: > 0 } value && !string.IsNullOrWhiteSpace(value) ? value : null;

    /// <summary>The run's identity for a signing service's audit record (never a secret).</summary>
    public SigningRunContext RunContext()
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal) { ["ci"] = "github" };
        void Add(string name, string variable)
        {
            if (Value(variable) is { } value)
            {
                properties[name] = value;
            }
        }
        Add("server", "GITHUB_SERVER_URL");
        Add("repository", "GITHUB_REPOSITORY");
        Add("workflow-ref", "GITHUB_WORKFLOW_REF");
        Add("run", "GITHUB_RUN_ID");
        Add("attempt", "GITHUB_RUN_ATTEMPT");
        Add("sha", "GITHUB_SHA");
        Add("ref", "GITHUB_REF");
        Add("actor", "GITHUB_ACTOR");
        Add("event", "GITHUB_EVENT_NAME");
        return new SigningRunContext { Properties = properties };
    }
}
