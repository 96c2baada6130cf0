using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace BuildSign.Action.Tests;

/// <summary>
/// The few GitHub REST endpoints the release-asset flow uses, on 127.0.0.1 under /api/v3 (the
/// GitHub Enterprise Server layout), shaped from GitHub's documented responses: get a release, list
/// its assets, get an asset (its content, through a redirect, when asked for octet-stream), delete
/// an asset, upload one to the release's upload_url. The first asset listing answers with the
/// primary rate limit (403, x-ratelimit-remaining 0, x-ratelimit-reset), the first delete with a
/// secondary limit (403, retry-after), as GitHub does.
/// </summary>
public sealed class FakeGitHubReleases : IAsyncDisposable
{
    public const string Owner = "octo-org";
    public const string Repository = "hello";
    public const long ReleaseId = 987;
    public const string Tag = "v1.2.0";

    private readonly ConcurrentDictionary<long, Asset> _assets = new();
    private long _nextId = 500;
    private int _listCalls;
    private int _deleteCalls;
    private LocalHttpServer? _server;

    public sealed record Asset(long Id, string Name, string ContentType, byte[] Content);

    /// <summary>Every request, as "METHOD path".</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>The Authorization headers seen.</summary>
    public ConcurrentBag<string> Authorizations { get; } = [];

    /// <summary>How many rate-limit answers were given.</summary>
    public int RateLimitAnswers;

    public IReadOnlyCollection<Asset> Assets => [.. _assets.Values.OrderBy(a => a.Name, StringComparer.Ordinal)];

    /// <summary>GITHUB_API_URL for this server.</summary>
    public string ApiUrl => new Uri(_server!.Url, "/api/v3").ToString();

    public void AddAsset(string name, string contentType, byte[] content)
    {
        var id = Interlocked.Increment(ref _nextId);
        _assets[id] = new Asset(id, name, contentType, content);
    }

    public async Task StartAsync()
    {
        _server = await LocalHttpServer.StartAsync(app =>
        {
            app.Use(async (context, next) =>
            {
                Requests.Enqueue($"{context.Request.Method} {context.Request.Path}");
                Authorizations.Add(context.Request.Headers.Authorization.ToString());
                await next(context);
            });
            const string Repo = $"/api/v3/repos/{Owner}/{Repository}";
            app.MapGet($"{Repo}/releases/{{id:long}}", (long id, HttpContext context) =>
                id == ReleaseId ? Results.Json(Release(context)) : NotFound());
            app.MapGet($"{Repo}/releases/{{id:long}}/assets", (long id, HttpContext context) =>
            {
                if (id != ReleaseId)
                {
                    return NotFound();
                }
                if (Interlocked.Increment(ref _listCalls) == 1)
                {
                    return PrimaryRateLimit(context);
                }
                return Results.Json(Assets.Select(a => AssetJson(context, a)).ToArray());
            });
            app.MapGet($"{Repo}/releases/assets/{{id:long}}", (long id, HttpContext context) =>
            {
                if (!_assets.TryGetValue(id, out var asset))
                {
                    return NotFound();
                }
                // Asked for the content, GitHub redirects to its storage; otherwise it describes the asset.
                return context.Request.Headers.Accept.ToString().Contains("application/octet-stream", StringComparison.Ordinal)
                    ? Results.Redirect($"{Root(context)}/storage/{id}/{Uri.EscapeDataString(asset.Name)}")
                    : Results.Json(AssetJson(context, asset));
            });
            app.MapGet("/storage/{id:long}/{name}", (long id) =>
                _assets.TryGetValue(id, out var asset) ? Results.Bytes(asset.Content, "application/octet-stream") : Results.NotFound());
            app.MapDelete($"{Repo}/releases/assets/{{id:long}}", (long id, HttpContext context) =>
            {
                if (Interlocked.Increment(ref _deleteCalls) == 1)
                {
                    return SecondaryRateLimit(context);
                }
                return _assets.TryRemove(id, out _) ? Results.NoContent() : NotFound();
            });
            app.MapPost($"/uploads/repos/{Owner}/{Repository}/releases/{{id:long}}/assets", async (long id, HttpContext context) =>
            {
                var name = context.Request.Query["name"].ToString();
                if (id != ReleaseId || name.Length == 0)
                {
                    return NotFound();
                }
                if (_assets.Values.Any(a => a.Name == name))
                {
                    return Results.Json(new { message = "Validation Failed", errors = new[] { new { resource = "ReleaseAsset", code = "already_exists", field = "name" } }, documentation_url = "https://docs.github.com/rest/releases/assets#upload-a-release-asset" }, statusCode: 422);
                }
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                var asset = new Asset(Interlocked.Increment(ref _nextId), name, context.Request.ContentType ?? "application/octet-stream", body.ToArray());
                _assets[asset.Id] = asset;
                return Results.Json(AssetJson(context, asset), statusCode: 201);
            });
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private static IResult NotFound() => Results.Json(new { message = "Not Found", documentation_url = "https://docs.github.com/rest" }, statusCode: 404);

    private IResult PrimaryRateLimit(HttpContext context)
    {
        Interlocked.Increment(ref RateLimitAnswers);
        var reset = DateTimeOffset.UtcNow.AddSeconds(1).ToUnixTimeSeconds();
        context.Response.Headers["x-ratelimit-limit"] = "5000";
        context.Response.Headers["x-ratelimit-remaining"] = "0";
        context.Response.Headers["x-ratelimit-used"] = "5000";
        context.Response.Headers["x-ratelimit-reset"] = reset.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["x-ratelimit-resource"] = "core";
        return Results.Json(new { message = "API rate limit exceeded for installation ID 1.", documentation_url = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api" }, statusCode: 403);
    }

    private IResult SecondaryRateLimit(HttpContext context)
    {
        Interlocked.Increment(ref RateLimitAnswers);
        context.Response.Headers["retry-after"] = "1";
        return Results.Json(new { message = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.", documentation_url = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits" }, statusCode: 403);
    }

    private static string Root(HttpContext context) => $"{context.Request.Scheme}://{context.Request.Host}";

    private static object User(HttpContext context) => new
    {
        login = "octocat",
        id = 1,
        node_id = "MDQ6VXNlcjE=",
        avatar_url = "https://github.com/images/error/octocat_happy.gif",
        url = $"{Root(context)}/api/v3/users/octocat",
        html_url = "https://github.com/octocat",
        type = "User",
        site_admin = false,
    };

    private object Release(HttpContext context) => new
    {
        url = $"{Root(context)}/api/v3/repos/{Owner}/{Repository}/releases/{ReleaseId}",
        html_url = $"https://github.com/{Owner}/{Repository}/releases/{Tag}",
        assets_url = $"{Root(context)}/api/v3/repos/{Owner}/{Repository}/releases/{ReleaseId}/assets",
        upload_url = $"{Root(context)}/uploads/repos/{Owner}/{Repository}/releases/{ReleaseId}/assets{{?name,label}}",
        tarball_url = $"{Root(context)}/api/v3/repos/{Owner}/{Repository}/tarball/{Tag}",
        zipball_url = $"{Root(context)}/api/v3/repos/{Owner}/{Repository}/zipball/{Tag}",
        id = ReleaseId,
        node_id = "MDc6UmVsZWFzZTE=",
        tag_name = Tag,
        target_commitish = "main",
        name = Tag,
        body = "Release notes",
        draft = false,
        prerelease = false,
        created_at = "2026-11-30T10:00:00Z",
        published_at = "2026-11-30T10:05:00Z",
        author = User(context),
        assets = Assets.Select(a => AssetJson(context, a)).ToArray(),
    };

    private static object AssetJson(HttpContext context, Asset asset) => new
    {
        url = $"{Root(context)}/api/v3/repos/{Owner}/{Repository}/releases/assets/{asset.Id}",
        browser_download_url = $"https://github.com/{Owner}/{Repository}/releases/download/{Tag}/{asset.Name}",
        id = asset.Id,
        node_id = "MDEyOlJlbGVhc2VBc3NldDE=",
        name = asset.Name,
        label = "",
        state = "uploaded",
        content_type = asset.ContentType,
        size = asset.Content.Length,
        download_count = 0,
        created_at = "2026-11-30T10:00:00Z",
        updated_at = "2026-11-30T10:00:00Z",
        uploader = User(context),
    };
}
