using System.Diagnostics;
using System.Security.Cryptography;
using BuildSign.Core.Certificates;
using BuildSign.Core.Formats;
using BuildSign.Core.Keys;
using BuildSign.Core.Pipeline;
using BuildSign.Core.Timestamping;
using BuildSign.Core.Verification;

namespace BuildSign.Core.Api;

/// <summary>
/// The one entry point every shell calls (CLI, MSBuild task, GitHub Action, Azure DevOps task):
/// a request value in, a versioned result out, progress events as files are planned and signed.
/// </summary>
public sealed class BuildSigner
{
    private readonly BuildSignerServices _services;

    /// <summary>Creates a signer with the built-in keys and formats, or with <paramref name="services"/>.</summary>
    public BuildSigner(BuildSignerServices? services = null)
    {
        _services = services ?? new BuildSignerServices();
    }

    /// <summary>
    /// Plans and signs: opens the key, plans every file (key constraints included, so a refusal
    /// shows before anything is signed), signs all digests of a container round in one batch,
    /// timestamps, writes each file through a verified temporary file and renames it into place.
    /// Failures of single files are in the result; a failure of the whole run is its
    /// <see cref="SignResult.Error"/>. Only cancellation and defects throw.
    /// </summary>
    public async Task<SignResult> SignAsync(SignRequest request, IProgress<SigningProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var clock = Stopwatch.StartNew();
        var warnings = new List<string>();
        var urls = request.TimestampUrls.Select(u => u.ToString()).ToArray();
        SignResult Fail(string error, ISigningKey? key = null) => Describe(new SignResult { Error = error, DryRun = request.DryRun, TimestampUrls = urls, Warnings = warnings, ElapsedSeconds = Seconds(clock.Elapsed) }, key);

        ISigningKey? key;
        try
        {
            key = await _services.Keys.OpenAsync(request.Key, request.Certificate, cancellationToken).ConfigureAwait(false);
        }
        catch (SigningException exception) when (request.DryRun)
        {
            // A plan is still useful without the key; only the key's constraints go unchecked.
            Warn(warnings, progress, $"the key could not be opened ({exception.Message}); the plan does not check what the key allows");
            key = null;
        }
        catch (SigningException exception)
        {
            return Fail(exception.Message);
        }

        await using (key)
        {
            if (key is not null && request.RefuseSoftwareKeys && key.Protection == KeyProtection.Software)
            {
                return Fail($"{key.DisplayName} is a software key, and software keys are refused", key);
            }
            // A signature under a certificate verifiers refuse would replace good ones: refuse first.
            if (key is not null && request.DryRun && SignerCertificatePreflight.FindProblem(key.Certificate, _services.TimeProvider.GetUtcNow()) is { } certificateProblem)
            {
                return Fail(certificateProblem, key);
            }
            if (key is not null && !request.DryRun)
            {
                try
                {
                    await SigningKeyPreflight.CheckAsync(key, _services.TimeProvider, request.RunContext, cancellationToken).ConfigureAwait(false);
                }
                catch (SigningException exception)
                {
                    return Fail(exception.Message, key);
                }
            }
            var options = RunOptions(request, key);
            SigningPlan plan;
            try
            {
                plan = await new SigningPlanner(_services.Formats).PlanAsync(options, cancellationToken).ConfigureAwait(false);
            }
            catch (SigningException exception)
            {
                return Fail(exception.Message, key);
            }
            using (plan)
            {
                foreach (var note in plan.Notes)
                {
                    Warn(warnings, progress, note);
                }
                var all = plan.AllFiles.ToList();
                progress?.Report(new SigningProgress(SigningProgressKind.Planned, null, null, null, 0, all.Count));
                var toSign = all.Count(f => f.WillSign);
                if (request.MaxFiles is { } cap && toSign > cap)
                {
                    return Fail($"{toSign} files are selected for signing, more than the limit of {cap}; nothing was signed", key);
                }
                if (request.DryRun)
                {
                    return Describe(new SignResult
                    {
                        DryRun = true,
                        Succeeded = !plan.Refused.Any(),
                        TimestampUrls = urls,
                        Files = [.. all.Select(PlannedResult)],
                        Plan = [.. plan.Files.Select(PlanEntryOf)],
                        Warnings = warnings,
                        ElapsedSeconds = Seconds(clock.Elapsed),
                    }, key);
                }
                if (urls.Length == 0)
                {
                    Warn(warnings, progress, "no timestamp server given: the signatures stop being valid when the signing certificate expires");
                }
                using var timestamps = request.TimestampUrls.Count == 0
                    ? null
                    : new TimestampClient(TimestampOptionsOf(request), _services.TimeProvider);
                var completed = 0;
                var pipeline = new SigningPipeline(key!, timestamps, request.RunContext)
                {
                    FileFinished = file =>
                    {
                        var done = Interlocked.Increment(ref completed);
                        progress?.Report(new SigningProgress(ProgressKindOf(file.Status), file.Path, file.Format, file.Error, done, all.Count));
                        foreach (var warning in file.Warnings)
                        {
                            progress?.Report(new SigningProgress(SigningProgressKind.Warning, file.Path, file.Format, warning, done, all.Count));
                        }
                    },
                };
                var run = await pipeline.ExecuteAsync(plan, options, cancellationToken).ConfigureAwait(false);
                var existing = all.GroupBy(f => f.Path, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().ExistingSignatures, StringComparer.Ordinal);
                return Describe(new SignResult
                {
                    Succeeded = run.Succeeded,
                    TimestampUrls = urls,
                    Files = [.. run.Files.Select(f => SignedResult(f, existing.GetValueOrDefault(f.Path)))],
                    Warnings = warnings,
                    ElapsedSeconds = Seconds(clock.Elapsed),
                    StageSeconds = run.Stages.ToDictionary(s => s.Key, s => Seconds(s.Value)),
                }, key);
            }
        }
    }

    /// <summary>
    /// Verifies every signature of every file: file digest, CMS signature, chain, code-signing
    /// usage, timestamp. <paramref name="progress"/> hears of each file as it is done.
    /// </summary>
    public async Task<VerifyResult> VerifyAsync(VerifyRequest request, IProgress<VerifiedFile>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        VerificationOptions options;
        try
        {
            options = new VerificationOptions
            {
                TrustedCertificates = [.. request.TrustedCertificates.Select(p => Resolve(request.BaseDirectory, p)).SelectMany(CertificateFile.Load)],
                TrustedTimestampCertificates = [.. request.TrustedTimestampCertificates.Select(p => Resolve(request.BaseDirectory, p)).SelectMany(CertificateFile.Load)],
                RefuseSoftwareKeys = request.RefuseSoftwareKeys,
                TimeProvider = _services.TimeProvider,
            };
        }
        catch (SigningException exception)
        {
            return new VerifyResult { Error = exception.Message };
        }
        var files = FileDiscovery.Discover(request.Paths.Select(p => Resolve(request.BaseDirectory, p)), request.Recursive);
        var results = new VerifiedFile?[files.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, files.Count), cancellationToken, async (i, ct) =>
        {
            var verification = await VerifyFileAsync(files[i], options, ct).ConfigureAwait(false);
            if (verification is not null)
            {
                results[i] = VerifiedFileOf(verification);
                progress?.Report(results[i]!);
            }
        }).ConfigureAwait(false);
        return new VerifyResult { Files = [.. results.OfType<VerifiedFile>()] };
    }

    private async Task<FileVerification?> VerifyFileAsync(DiscoveredFile file, VerificationOptions options, CancellationToken cancellationToken)
    {
        if (file.Error is not null)
        {
            return new FileVerification(file.Path, "unknown", [], file.Error);
        }
        IFileFormat? format = null;
        try
        {
            format = _services.Formats.Classify(FileHead.Read(file.Path), file.NamedExplicitly);
            if (format is null)
            {
                // Files met while walking a directory that no format owns are not ours to judge.
                return file.NamedExplicitly ? new FileVerification(file.Path, "unknown", [], "unsupported file format") : null;
            }
            return await format.VerifyAsync(file.Path, options, cancellationToken).ConfigureAwait(false);
        }
        catch (SigningException exception)
        {
            return new FileVerification(file.Path, format?.Name ?? "unknown", [], exception.Reason);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return new FileVerification(file.Path, format?.Name ?? "unknown", [], exception.Message);
        }
        catch (Exception exception) when (exception is not OperationCanceledException and not OutOfMemoryException)
        {
            // Whatever a hostile file does to a parser, the answer is "invalid", never a crash.
            return new FileVerification(file.Path, format?.Name ?? "unknown", [], $"the signature cannot be read ({exception.GetType().Name}): {exception.Message}");
        }
    }

    private static SigningRunOptions RunOptions(SignRequest request, ISigningKey? key) => new()
    {
        Paths = [.. request.Paths.Select(p => Resolve(request.BaseDirectory, p))],
        Recursive = request.Recursive,
        OnExistingSignature = request.OnExistingSignature,
        OnExistingInnerSignature = request.OnExistingInnerSignature ?? ExistingSignatureAction.Skip,
        Signature = new SignatureOptions { Digest = request.Digest, Description = request.Description, Url = request.Url },
        MaxParallelFiles = Math.Max(1, request.MaxParallelFiles),
        SignerCertificate = key?.Certificate,
        RemoveLeftovers = !request.DryRun,
    };

    private static TimestampOptions TimestampOptionsOf(SignRequest request)
    {
        var options = new TimestampOptions { Urls = request.TimestampUrls, MaxConcurrentRequests = request.TimestampConcurrency };
        return request.TimestampTimeLimit is { } limit ? options with { RunTimeout = limit } : options;
    }

    private static string Resolve(string? baseDirectory, string path) =>
        baseDirectory is null || Path.IsPathRooted(path) ? path : Path.Combine(baseDirectory, path);

    private static void Warn(List<string> warnings, IProgress<SigningProgress>? progress, string warning)
    {
        warnings.Add(warning);
        progress?.Report(new SigningProgress(SigningProgressKind.Warning, null, null, warning, 0, 0));
    }

    private static SignResult Describe(SignResult result, ISigningKey? key) => key is null ? result : result with
    {
        Key = key.DisplayName,
        KeyProtection = key.Protection.ToText(),
        CertificateThumbprint = key.Certificate.GetCertHashString(HashAlgorithmName.SHA256),
    };

    private static SigningProgressKind ProgressKindOf(FileSigningStatus status) => status switch
    {
        FileSigningStatus.Signed => SigningProgressKind.Signed,
        FileSigningStatus.Skipped => SigningProgressKind.Skipped,
        _ => SigningProgressKind.Failed,
    };

    private static FileResult PlannedResult(PlannedFile file) => new()
    {
        File = file.Path,
        Status = file.Action switch
        {
            PlannedAction.Refuse => FileOutcome.Refused,
            PlannedAction.Skip => FileOutcome.Skipped,
            _ => FileOutcome.Planned,
        },
        Format = file.Format,
        Action = ActionName(file.Action),
        SignatureFile = file.SignaturePath,
        Error = file.Reason,
        Round = file.Round,
        ExistingSignatures = file.ExistingSignatures,
        Detail = file.Detail,
    };

    private static FileResult SignedResult(FileSigningResult file, int existingSignatures) => new()
    {
        File = file.Path,
        Status = file.Status switch
        {
            FileSigningStatus.Signed => FileOutcome.Signed,
            FileSigningStatus.Skipped => FileOutcome.Skipped,
            _ => FileOutcome.Failed,
        },
        Format = file.Format,
        Action = ActionName(file.Action),
        SignatureFile = file.SignaturePath,
        Digest = file.Digest,
        DigestAlgorithm = file.DigestAlgorithm?.DisplayName(),
        CertificateThumbprint = file.CertificateThumbprint,
        TimestampTime = file.TimestampTime,
        KeyProtection = file.KeyProtection?.ToText(),
        Error = file.Error,
        Warnings = file.Warnings,
        Round = file.Round,
        ExistingSignatures = existingSignatures,
        Detail = file.Detail,
    };

    /// <summary>The plan as data: what a dry run shows and golden tests compare.</summary>
    public static PlanEntry PlanEntryOf(PlannedFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return new PlanEntry
        {
            File = file.Path,
            Format = file.Format,
            Action = ActionName(file.Action),
            Reason = file.Reason,
            SignatureFile = file.SignaturePath,
            ExistingSignatures = file.ExistingSignatures,
            Round = file.Round,
            Children = [.. file.Children.Select(PlanEntryOf)],
        };
    }

    private static VerifiedFile VerifiedFileOf(FileVerification file) => new()
    {
        File = file.Path,
        Format = file.Format,
        Valid = file.IsValid,
        Error = file.Error,
        Signatures = [.. file.Signatures.Select(s => new VerifiedSignature
        {
            Signer = s.Signer,
            CertificateThumbprint = s.CertificateThumbprint,
            DigestAlgorithm = s.Digest.DisplayName(),
            KeyProtection = s.KeyProtection?.ToText(),
            TimestampTime = s.TimestampTime,
            Valid = s.IsValid,
            Problems = s.Problems,
        })],
    };

    private static string ActionName(PlannedAction action) => action.ToString().ToLowerInvariant();

    private static double Seconds(TimeSpan span) => Math.Round(span.TotalSeconds, 3);
}
