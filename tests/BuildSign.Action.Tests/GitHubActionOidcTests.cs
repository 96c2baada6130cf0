using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace BuildSign.Action.Tests;

/// <summary>
/// The OIDC credential for a signing-service key: the action asks the runner's token endpoint (here
/// a local one on 127.0.0.1, answering as GitHub's does) and registers the token as a secret at once.
/// </summary>
[Collection(ActionCollection.Name)]
public sealed class GitHubActionOidcTests : IAsyncLifetime
{
    private const string RequestToken = "runner-request-token-3f9a";
    private readonly SimulatedRunner _runner = new();
    private readonly ConcurrentQueue<(string? Audience, string Authorization)> _requests = new();
    private readonly string _jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOm9jdG8tb3JnL2hlbGxvOnJlZjpyZWZzL2hlYWRzL21haW4ifQ." + Guid.NewGuid().ToString("N");
    private LocalHttpServer? _tokenEndpoint;

    public async Task InitializeAsync()
    {
        _tokenEndpoint = await LocalHttpServer.StartAsync(app => app.MapGet("/idtoken", (HttpContext context) =>
        {
            _requests.Enqueue((context.Request.Query["audience"], context.Request.Headers.Authorization.ToString()));
            return context.Request.Headers.Authorization == $"Bearer {RequestToken}"
                ? Results.Json(new { value = _jwt })
                : Results.StatusCode(401);
        }));
        _runner.CopyToWorkspace(UnsignedPe.Pe32, "out/app.dll");
    }

    public async Task DisposeAsync()
    {
        _runner.Dispose();
        await _tokenEndpoint!.DisposeAsync();
    }

    // The runner's URL already has a query (api-version=…); the audience is appended with &.
    private string RequestUrl => new Uri(_tokenEndpoint!.Url, "/idtoken?api-version=2.0").ToString();

    [Fact]
    public void RequestsTheJobsTokenForTheServiceOriginAndMasksIt()
    {
        _runner
            .Input("key", "https://127.0.0.1:9/v1/keys/release-2026")
            .Input("files", "out/app.dll")
            .Input("dry-run", "true")
            .Variable("ACTIONS_ID_TOKEN_REQUEST_URL", RequestUrl)
            .Variable("ACTIONS_ID_TOKEN_REQUEST_TOKEN", RequestToken);

        var result = _runner.Run();

        var request = Assert.Single(_requests);
        Assert.Equal("https://127.0.0.1:9", request.Audience);
        Assert.Equal($"Bearer {RequestToken}", request.Authorization);
        LogAssert.MaskedOnly(result, _jwt);
        LogAssert.MaskedOnly(result, RequestToken);
        Assert.Contains("signing-service credential: the job's OIDC token (audience https://127.0.0.1:9)", result.StandardOutput);
        var lines = result.StandardOutput.Split('\n').ToList();
        Assert.True(lines.FindIndex(l => l.StartsWith("::add-mask::" + _jwt, StringComparison.Ordinal)) < lines.FindIndex(l => l.Contains("OIDC token (audience", StringComparison.Ordinal)));
    }

    [Fact]
    public void TheOidcAudienceInputIsTheAudience()
    {
        _runner
            .Input("key", "https://127.0.0.1:9/v1/keys/release-2026")
            .Input("files", "out/app.dll")
            .Input("dry-run", "true")
            .Input("oidc-audience", "buildsign://signing.example")
            .Variable("ACTIONS_ID_TOKEN_REQUEST_URL", RequestUrl)
            .Variable("ACTIONS_ID_TOKEN_REQUEST_TOKEN", RequestToken);

        var result = _runner.Run();

        Assert.Equal("buildsign://signing.example", Assert.Single(_requests).Audience);
        LogAssert.MaskedOnly(result, _jwt);
    }

    [Fact]
    public void WithoutTheIdTokenPermissionOneErrorSaysWhichPermissionToAdd()
    {
        _runner.Input("key", "https://127.0.0.1:9/v1/keys/release-2026").Input("files", "out/app.dll");

        var result = _runner.Run();

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
            ["::error title=OIDC::no OIDC token is available to this job: add 'permissions: id-token: write' to the job (or the workflow), or give the signing service's API token in the 'token' input"],
            LogAssert.Errors(result));
        Assert.Empty(_requests);
    }

    [Fact]
    public void TheTokenInputIsUsedInsteadOfOidcAndMasked()
    {
        const string apiToken = "bsk_live_5d1c0ffee";
        _runner
            .Input("key", "https://127.0.0.1:9/v1/keys/release-2026")
            .Input("files", "out/app.dll")
            .Input("dry-run", "true")
            .Input("token", apiToken)
            .Variable("ACTIONS_ID_TOKEN_REQUEST_URL", RequestUrl)
            .Variable("ACTIONS_ID_TOKEN_REQUEST_TOKEN", RequestToken);

        var result = _runner.Run();

        Assert.Empty(_requests);
        LogAssert.MaskedOnly(result, apiToken);
        Assert.Contains("signing-service credential: the 'token' input", result.StandardOutput);
    }

    [Fact]
    public void ARefusedTokenRequestIsOneErrorWithTheStatus()
    {
        _runner
            .Input("key", "https://127.0.0.1:9/v1/keys/release-2026")
            .Input("files", "out/app.dll")
            .Variable("ACTIONS_ID_TOKEN_REQUEST_URL", RequestUrl)
            .Variable("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "not-the-request-token");

        var result = _runner.Run();

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(["::error title=OIDC::the runner's OIDC token endpoint answered HTTP 401; check that the job has 'permissions: id-token: write'"], LogAssert.Errors(result));
        Assert.DoesNotContain(_jwt, result.Output);
    }
}
