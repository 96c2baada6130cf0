using BuildSign.Core.Api;
using Octokit;
using Polly;

namespace BuildSign.Cli.Commands.GitHubAction.Releases;

/// <summary>
/// Signs the assets of the release a <c>release</c> event is about: downloads them, signs them
/// with the run's request (formats with embedded signatures in place; anything else gets a detached
/// <c>.p7s</c>), then replaces each signed asset and uploads the <c>.p7s</c> files beside them.
/// Every API call goes through <see cref="GitHubRateLimitRetry"/>. <c>GITHUB_API_URL</c> is the API
/// root, so GitHub Enterprise Server works the same.
/// </summary>
internal sealed class ReleaseAssetRun(RunnerEnvironment runner, WorkflowCommands log, string githubToken)
{
    private const string SignatureContentType = "application/pkcs7-signature";

    /// <summary>Signs the release's assets with <paramref name="sign"/>; with <paramref name="dryRun"/>, uploads nothing.</summary>
    public async Task<CompletedRun> RunAsync(Func<IReadOnlyList<string>, WorkspacePaths, CancellationToken, Task<SignResult>> sign, bool dryRun, CancellationToken cancellationToken)
    {
        var release = ReleaseEvent.Read(runner);
        var client = new GitHubClient(new ProductHeaderValue("buildsign"), runner.ApiUrl) { Credentials = new Credentials(githubToken) };
        var retry = GitHubRateLimitRetry.Create(log.Info);
        var folder = Directory.CreateTempSubdirectory("buildsign-release-");
        try
        {
            var paths = new WorkspacePaths(folder.FullName);
            log.Group($"Downloading the assets of release {release.TagName}");
            IReadOnlyList<ReleaseAsset> assets;
            try
            {
                assets = await DownloadAsync(client, retry, release, folder.FullName, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                log.EndGroup();
            }
            var files = assets.Select(a => Path.Combine(folder.FullName, a.Name)).ToList();
            if (files.Count == 0)
            {
                log.Warning($"release {release.TagName} has no assets to sign", title: "Release assets");
                return CompletedRun.Of($"Release {release.TagName}", new SignResult { Succeeded = true, DryRun = dryRun }, paths);
            }
            var result = await sign(files, paths, cancellationToken).ConfigureAwait(false);
            if (!dryRun)
            {
                log.Group($"Uploading the signed assets of release {release.TagName}");
                try
                {
                    await UploadAsync(client, retry, release, assets, result, paths, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    log.EndGroup();
                }
            }
            return CompletedRun.Of($"Release {release.TagName}", result, paths);
        }
        catch (ApiException exception)
        {
            throw new ActionFailure("GitHub API", $"GitHub answered {(int)exception.StatusCode} ({exception.StatusCode}) for release {release.TagName} of {release.Owner}/{release.Repository}; the token needs 'contents: write'", exception);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private async Task<IReadOnlyList<ReleaseAsset>> DownloadAsync(GitHubClient client, ResiliencePipeline retry, ReleaseEvent release, string folder, CancellationToken cancellationToken)
    {
        var all = await retry.ExecuteAsync(async _ => await client.Repository.Release.GetAllAssets(release.Owner, release.Repository, release.ReleaseId).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        var assets = new List<ReleaseAsset>();
        foreach (var asset in all)
        {
            if (asset.Name.EndsWith(".p7s", StringComparison.OrdinalIgnoreCase))
            {
                continue; // A signature from an earlier run is replaced, not signed.
            }
            if (Path.GetFileName(asset.Name) != asset.Name || asset.Name is "." or "..")
            {
                log.Warning($"release asset '{asset.Name}' has a name that is not a file name; left alone", title: "Release assets");
                continue;
            }
            // Asking for octet-stream makes the asset URL answer with the content (through a redirect) instead of its description.
            var path = Path.Combine(folder, asset.Name);
            var length = await retry.ExecuteAsync(async ct =>
            {
                var response = await client.Connection.Get<byte[]>(new Uri(asset.Url), new Dictionary<string, string>(), "application/octet-stream").ConfigureAwait(false);
                // Octokit keeps a binary answer as the raw body (bytes or a stream) rather than deserializing it.
                switch (response.HttpResponse.Body)
                {
                    case byte[] bytes:
                        await File.WriteAllBytesAsync(path, bytes, ct).ConfigureAwait(false);
                        return bytes.LongLength;
                    case Stream stream:
                        await using (stream.ConfigureAwait(false))
                        {
                            var file = File.Create(path);
                            await using (file.ConfigureAwait(false))
                            {
                                await stream.CopyToAsync(file, ct).ConfigureAwait(false);
                                return file.Length;
                            }
                        }
                    default:
                        throw new ActionFailure("GitHub API", $"the content of release asset {asset.Name} could not be downloaded (GitHub answered {response.HttpResponse.ContentType ?? "without a content type"})");
                }
            }, cancellationToken).ConfigureAwait(false);
            log.Info($"downloaded {asset.Name} ({length} bytes)");
            assets.Add(asset);
        }
        return assets;
    }

    private async Task UploadAsync(GitHubClient client, ResiliencePipeline retry, ReleaseEvent release, IReadOnlyList<ReleaseAsset> assets, SignResult result, WorkspacePaths paths, CancellationToken cancellationToken)
    {
        var target = await retry.ExecuteAsync(async _ => await client.Repository.Release.Get(release.Owner, release.Repository, release.ReleaseId).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        var existing = (await retry.ExecuteAsync(async _ => await client.Repository.Release.GetAllAssets(release.Owner, release.Repository, release.ReleaseId).ConfigureAwait(false), cancellationToken).ConfigureAwait(false))
            .ToDictionary(a => a.Name, StringComparer.Ordinal);
        foreach (var file in result.Files.Where(f => f.Status == FileOutcome.Signed && File.Exists(f.File) && paths.Contains(f.File)))
        {
            var name = paths.Relative(file.File);
            var original = assets.First(a => a.Name == name);
            if (file.SignatureFile is null || file.SignatureFile == file.File)
            {
                await ReplaceAsync(client, retry, release, target, existing, name, file.File, original.ContentType, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await ReplaceAsync(client, retry, release, target, existing, Path.GetFileName(file.SignatureFile), file.SignatureFile, SignatureContentType, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // An asset name is unique in a release: the old asset goes first, then the new one is uploaded under its name.
    private async Task ReplaceAsync(GitHubClient client, ResiliencePipeline retry, ReleaseEvent release, Release target, Dictionary<string, ReleaseAsset> existing, string name, string path, string contentType, CancellationToken cancellationToken)
    {
        if (existing.TryGetValue(name, out var old))
        {
            await retry.ExecuteAsync(async _ => await client.Repository.Release.DeleteAsset(release.Owner, release.Repository, old.Id).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        await retry.ExecuteAsync(async ct =>
        {
            await using var content = File.OpenRead(path);
            await client.Repository.Release.UploadAsset(target, new ReleaseAssetUpload(name, contentType, content, TimeSpan.FromMinutes(10)), ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        log.Info($"uploaded {name}");
    }
}
