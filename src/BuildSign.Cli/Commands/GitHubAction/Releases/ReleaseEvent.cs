using System.Text.Json;

namespace BuildSign.Cli.Commands.GitHubAction.Releases;

/// <summary>The release a <c>release</c> event is about, read from the event payload (GITHUB_EVENT_PATH).</summary>
internal sealed record ReleaseEvent(string Owner, string Repository, long ReleaseId, string TagName)
{
    /// <summary>Reads the release of the current run's event; an <see cref="ActionFailure"/> when there is none.</summary>
    public static ReleaseEvent Read(RunnerEnvironment runner)
    {
        const string Title = "Input sign-release-assets";
        if (runner.EventName != "release")
        {
            throw new ActionFailure(Title, $"input 'sign-release-assets' needs a workflow started by a release event (on: release), but this run's event is '{runner.EventName ?? "unknown"}'");
        }
        var repository = runner.Repository?.Split('/');
        if (repository is not [{ Length: > 0 } owner, { Length: > 0 } name])
        {
            throw new ActionFailure(Title, "GITHUB_REPOSITORY is not set as owner/name");
        }
        if (runner.EventPath is not { } path || !File.Exists(path))
        {
            throw new ActionFailure(Title, "the event payload (GITHUB_EVENT_PATH) is missing");
        }
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var release = document.RootElement.GetProperty("release");
            return new ReleaseEvent(owner, name, release.GetProperty("id").GetInt64(), release.GetProperty("tag_name").GetString() ?? "");
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new ActionFailure(Title, "the release event's payload has no release id and tag_name", exception);
        }
    }
}
