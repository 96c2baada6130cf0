using System.Globalization;
using System.Text.Json;
using BuildSign.Cli.Commands.GitHubAction.Releases;
using BuildSign.Core.Api;

namespace BuildSign.Cli.Commands.GitHubAction;

/// <summary>
/// One run of the GitHub Action: secrets masked first, inputs checked (each problem an annotation
/// naming the input), files selected, the signing-service credential prepared, Core's
/// <see cref="BuildSigner.SignAsync"/> called, then outputs, the step summary and file ownership.
/// </summary>
internal sealed class GitHubActionRun(RunnerEnvironment runner, WorkflowCommands log, Func<string, string?> environment)
{
    /// <summary>Runs the action and returns the process exit code.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var inputs = new ActionInputs(environment);
        var secrets = ActionCredentials.MaskSecrets(inputs, runner, log);
        var settings = ActionSettings.Read(inputs);
        var workspace = runner.Workspace;
        if (!Directory.Exists(workspace))
        {
            log.Error($"the workspace {workspace} does not exist (GITHUB_WORKSPACE)", title: "Workspace");
            return ExitCodes.Usage;
        }
        var paths = new WorkspacePaths(workspace);
        var credentials = new ActionCredentials(runner, log, Environment.SetEnvironmentVariable);
        var key = credentials.PrepareKey(settings.Key, secrets, inputs);
        var certificate = settings.Certificate is null ? null : Path.GetFullPath(Path.Combine(workspace, settings.Certificate));
        if (certificate is not null && !File.Exists(certificate))
        {
            inputs.Problem("certificate", $"'{settings.Certificate}': no such file in the workspace");
        }
        if (settings.SignReleaseAssets && secrets.GitHubToken is null)
        {
            inputs.Problem("github-token", "is required with sign-release-assets: true (give ${{ github.token }} and 'permissions: contents: write')");
        }
        if (ReportProblems(inputs))
        {
            return ExitCodes.Usage;
        }

        var services = new BuildSignerServices();
        IReadOnlyList<string> files = [];
        if (settings.Files.Count > 0)
        {
            log.Group("Selecting files");
            files = new WorkspaceFileSelection(workspace, services.Formats).Select(settings.Files, settings.Recursive, settings.MaxFiles, inputs);
            log.Info(string.Create(CultureInfo.InvariantCulture, $"{files.Count} file{(files.Count == 1 ? "" : "s")} selected"));
            log.EndGroup();
            if (ReportProblems(inputs))
            {
                return ExitCodes.Usage;
            }
        }

        var runs = new List<CompletedRun>();
        try
        {
            await credentials.PrepareServiceCredentialAsync(key, secrets, settings.OidcAudience, cancellationToken).ConfigureAwait(false);
            var signer = new BuildSigner(services);
            var request = Request(settings, key, certificate, workspace);
            if (files.Count > 0)
            {
                var result = await SignAsync(signer, request with { Paths = files }, $"Signing {files.Count} file{(files.Count == 1 ? "" : "s")}", paths, cancellationToken).ConfigureAwait(false);
                runs.Add(CompletedRun.Of("BuildSign", result, paths));
                GiveBackToWorkspaceOwner(result, paths);
            }
            if (settings.SignReleaseAssets)
            {
                var assets = new ReleaseAssetRun(runner, log, secrets.GitHubToken!);
                runs.Add(await assets.RunAsync((assetFiles, assetPaths, ct) => SignAsync(signer, request with { Paths = assetFiles, BaseDirectory = null }, $"Signing {assetFiles.Count} release asset{(assetFiles.Count == 1 ? "" : "s")}", assetPaths, ct), settings.DryRun, cancellationToken).ConfigureAwait(false));
            }
        }
        catch (ActionFailure failure)
        {
            log.Error(failure.Message, title: failure.Title);
            WriteOutputs(runs);
            return ExitCodes.Failed;
        }

        WriteOutputs(runs);
        var summary = new StepSummary(runner.StepSummaryFile);
        foreach (var run in runs)
        {
            summary.Write(run.Heading, run.Result, run.Display);
        }
        var succeeded = runs.All(r => r.Result.Succeeded);
        log.Info(string.Create(CultureInfo.InvariantCulture, $"{runs.Sum(r => r.Result.Signed)} signed, {runs.Sum(r => r.Result.Skipped)} skipped, {runs.Sum(r => r.Result.Failed)} failed{(settings.DryRun ? " (dry run: nothing was changed)" : "")}"));
        return succeeded ? ExitCodes.Success : ExitCodes.Failed;
    }

    private static SignRequest Request(ActionSettings settings, string key, string? certificate, string workspace) => new()
    {
        Key = key,
        Certificate = certificate,
        BaseDirectory = workspace,
        TimestampUrls = settings.TimestampUrls,
        TimestampConcurrency = settings.TimestampConcurrency,
        Digest = settings.Digest,
        OnExistingSignature = settings.OnExistingSignature,
        // Third-party files inside containers keep their signatures unless the user said otherwise.
        OnExistingInnerSignature = settings.OnExistingSignatureGiven ? settings.OnExistingSignature : null,
        Description = settings.Description,
        Url = settings.DescriptionUrl,
        Recursive = settings.Recursive,
        DryRun = settings.DryRun,
        MaxFiles = settings.MaxFiles,
    };

    private async Task<SignResult> SignAsync(BuildSigner signer, SignRequest request, string title, WorkspacePaths paths, CancellationToken cancellationToken)
    {
        log.Group(title);
        SignResult result;
        try
        {
            result = await signer.SignAsync(request with { RunContext = runner.RunContext() }, new ActionProgress(log, paths), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            log.EndGroup();
        }
        foreach (var file in result.Files.Where(f => f.Status is FileOutcome.Failed or FileOutcome.Refused))
        {
            var entry = paths.Relative(file.File);
            log.Error($"{entry}: {file.Error ?? "not signed"}", paths.AnnotationFile(file.File), "Not signed");
        }
        if (result.Error is not null)
        {
            log.Error(result.Error, title: "BuildSign");
        }
        return result;
    }

    private void GiveBackToWorkspaceOwner(SignResult result, WorkspacePaths paths)
    {
        if (result.DryRun || WorkspaceOwner.WhenDifferentFromProcess(paths.Workspace) is not { } owner)
        {
            return;
        }
        var written = result.Files
            .Where(f => f.Status == FileOutcome.Signed)
            .SelectMany(f => new[] { f.File, f.SignatureFile })
            .OfType<string>()
            .Where(p => paths.Contains(p) && File.Exists(p))
            .Distinct(StringComparer.Ordinal);
        foreach (var file in written)
        {
            if (!owner.Apply(file))
            {
                log.Warning($"could not give {paths.Relative(file)} back to the workspace owner ({owner.Uid}:{owner.Gid})", paths.Relative(file), "Ownership");
            }
        }
    }

    private void WriteOutputs(IReadOnlyList<CompletedRun> runs)
    {
        var outputs = new ActionOutputs(runner.OutputFile);
        outputs.Set("signed-files", JsonSerializer.Serialize(runs.SelectMany(r => r.SignedFiles).ToList()));
        outputs.Set("signed-count", runs.Sum(r => r.Result.Signed).ToString(CultureInfo.InvariantCulture));
        outputs.Set("skipped-count", runs.Sum(r => r.Result.Skipped).ToString(CultureInfo.InvariantCulture));
        outputs.Set("failed-count", runs.Sum(r => r.Result.Failed).ToString(CultureInfo.InvariantCulture));
        outputs.Set("certificate-thumbprint", runs.Select(r => r.Result.CertificateThumbprint).FirstOrDefault(t => t is not null) ?? "");
    }

    private bool ReportProblems(ActionInputs inputs)
    {
        foreach (var problem in inputs.Problems.Distinct())
        {
            log.Error(problem.ToString(), title: $"Input {problem.Input}");
        }
        return inputs.Problems.Count > 0;
    }
}

/// <summary>A finished signing run: its result, how its paths are shown, and the signed files as shown.</summary>
internal sealed record CompletedRun(string Heading, SignResult Result, Func<string, string> Display, IReadOnlyList<string> SignedFiles)
{
    /// <summary>Describes a run while its files are still on disk: entries inside containers are not files of their own and are not listed.</summary>
    public static CompletedRun Of(string heading, SignResult result, WorkspacePaths paths) => new(
        heading,
        result,
        paths.Relative,
        [.. result.Files.Where(f => f.Status == FileOutcome.Signed && File.Exists(f.File)).Select(f => paths.Relative(f.File))]);
}
