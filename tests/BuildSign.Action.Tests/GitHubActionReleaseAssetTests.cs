using System.Text.Json;
using BuildSign.Testing;

namespace BuildSign.Action.Tests;

/// <summary>
/// sign-release-assets against a local GitHub API (GHES layout, via GITHUB_API_URL): the assets
/// are downloaded, signed and replaced; a file without an embedded signature gets a .p7s asset;
/// GitHub's primary and secondary rate-limit answers are waited out and retried.
/// </summary>
[Collection(ActionCollection.Name)]
public sealed class GitHubActionReleaseAssetTests(ActionFixture fixture) : IAsyncLifetime
{
    private const string GitHubToken = "ghs_16C7e42F292c6912E7710c838347Ae178B4a";
    private readonly SimulatedRunner _runner = new();
    private readonly FakeGitHubReleases _github = new();
    private readonly TempDirectory _scratch = new("buildsign-action-assets");

    public Task InitializeAsync() => _github.StartAsync();

    public async Task DisposeAsync()
    {
        _runner.Dispose();
        _scratch.Dispose();
        await _github.DisposeAsync();
    }

    [Fact]
    public void SignsAndReplacesTheReleaseAssetsThroughRateLimits()
    {
        var unsigned = File.ReadAllBytes(UnsignedPe.Pe32Plus);
        var notes = "checksums\n"u8.ToArray();
        _github.AddAsset("tool.exe", "application/x-msdownload", unsigned);
        _github.AddAsset("notes.txt", "text/plain", notes);
        _runner
            .ReleaseEvent(FakeGitHubReleases.ReleaseId, FakeGitHubReleases.Tag)
            .Variable("GITHUB_REPOSITORY", $"{FakeGitHubReleases.Owner}/{FakeGitHubReleases.Repository}")
            .Variable("GITHUB_API_URL", _github.ApiUrl)
            .Input("key", fixture.Token.RsaKeyString)
            .Input("timestamp-url", fixture.TimestampUrl.ToString())
            .Input("sign-release-assets", "true")
            .Input("github-token", GitHubToken);

        var result = _runner.Run();

        Assert.True(result.ExitCode == 0, result.Output);
        LogAssert.MaskedOnly(result, GitHubToken);
        Assert.Equal(2, _github.RateLimitAnswers);
        Assert.Contains("after GitHub's rate limit", result.StandardOutput);
        Assert.Contains(_github.Authorizations, a => a.EndsWith(GitHubToken, StringComparison.Ordinal));

        Assert.Equal(["notes.txt", "notes.txt.p7s", "tool.exe"], _github.Assets.Select(a => a.Name));
        var tool = _github.Assets.Single(a => a.Name == "tool.exe");
        Assert.NotEqual(unsigned, tool.Content);
        Assert.Equal("application/x-msdownload", tool.ContentType);
        var toolFile = _scratch.File("tool.exe");
        File.WriteAllBytes(toolFile, tool.Content);
        var verify = fixture.Osslsigncode(toolFile);
        Assert.True(verify.ExitCode == 0, verify.Output);
        Assert.Contains("Timestamp verified using:", verify.StandardOutput);

        Assert.Equal(notes, _github.Assets.Single(a => a.Name == "notes.txt").Content);
        var notesFile = _scratch.File("notes.txt");
        File.WriteAllBytes(notesFile, notes);
        File.WriteAllBytes(notesFile + ".p7s", _github.Assets.Single(a => a.Name == "notes.txt.p7s").Content);
        var cms = fixture.OpensslCms(notesFile, notesFile + ".p7s");
        Assert.True(cms.ExitCode == 0, cms.Output);

        var outputs = _runner.Outputs();
        Assert.Equal(["notes.txt", "tool.exe"], JsonSerializer.Deserialize<string[]>(outputs["signed-files"])!.Order(StringComparer.Ordinal));
        Assert.Equal("2", outputs["signed-count"]);
        Assert.Contains("### Release v1.2.0", _runner.Summary);
        Assert.Contains("| `tool.exe` | pe |", _runner.Summary);
    }

    [Fact]
    public void OutsideAReleaseEventTheInputIsAnError()
    {
        _runner
            .Variable("GITHUB_API_URL", _github.ApiUrl)
            .Input("key", fixture.Token.RsaKeyString)
            .Input("sign-release-assets", "true")
            .Input("github-token", GitHubToken);

        var result = _runner.Run();

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(["::error title=Input sign-release-assets::input 'sign-release-assets' needs a workflow started by a release event (on: release), but this run's event is 'push'"], LogAssert.Errors(result));
        Assert.Empty(_github.Requests);
    }

    [Fact]
    public void WithoutAGitHubTokenTheInputIsAnError()
    {
        _runner.ReleaseEvent(FakeGitHubReleases.ReleaseId, FakeGitHubReleases.Tag).Input("key", fixture.Token.RsaKeyString).Input("sign-release-assets", "true");

        var result = _runner.Run();

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(["::error title=Input github-token::input 'github-token' is required with sign-release-assets: true (give ${{ github.token }} and 'permissions: contents: write')"], LogAssert.Errors(result));
    }
}
