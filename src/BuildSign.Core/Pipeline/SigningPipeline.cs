using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using BuildSign.Core.Cms;
using BuildSign.Core.Formats;
using BuildSign.Core.Formats.Containers;
using BuildSign.Core.Formats.Detached;
using BuildSign.Core.Keys;
using BuildSign.Core.Timestamping;
using BuildSign.Core.Pipeline.Containers;

namespace BuildSign.Core.Pipeline;

/// <summary>
/// Carries out a <see cref="SigningPlan"/>: digests every file (streaming, in parallel), signs all
/// digests in ONE batch through the key, timestamps the signatures concurrently, embeds each into a
/// temporary file beside its target, checks it, and renames it over the target. A file is either
/// untouched or completely signed.
/// </summary>
public sealed class SigningPipeline
{
    private readonly ISigningKey _key;
    private readonly ISignatureTimestamper? _timestamper;
    private readonly SigningRunContext _context;

    /// <summary>Creates a pipeline signing with <paramref name="key"/>, timestamping with <paramref name="timestamper"/> when given.</summary>
    public SigningPipeline(ISigningKey key, ISignatureTimestamper? timestamper, SigningRunContext? context = null)
    {
        _key = key;
        _timestamper = timestamper;
        _context = context ?? SigningRunContext.Empty;
    }

    /// <summary>Hears of each file's result as soon as it is final (signed, failed, skipped or refused), in no particular order.</summary>
    public Action<FileSigningResult>? FileFinished { get; init; }

    /// <summary>
    /// Signs every file the plan says to sign. Failures are per file and leave the file unchanged.
    /// Files inside containers are signed in rounds, innermost first, each round in one key batch;
    /// a container is rewritten with its signed inner files before its own round. The plan's
    /// container workspace is deleted when the run ends.
    /// </summary>
    public async Task<SigningRunResult> ExecuteAsync(SigningPlan plan, SigningRunOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        var stages = new StageClock();
        try
        {
            var jobs = plan.AllFiles.Select(f => new SigningJob(f)).ToArray();
            var byFile = jobs.ToDictionary(j => j.File, (IEqualityComparer<PlannedFile>)ReferenceEqualityComparer.Instance);
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.MaxParallelFiles), CancellationToken = cancellationToken };
            foreach (var round in jobs.Where(j => j.File.WillSign).GroupBy(j => j.File.Round).OrderBy(g => g.Key))
            {
                // A copy of content signed elsewhere in the run is not signed again.
                var toSign = round.Where(j => j.File.Entry?.DuplicateOf is null).ToArray();
                await stages.TimeAsync("assemble", () => Parallel.ForEachAsync(toSign.Where(j => j.File.Container is not null), parallel,
                    async (job, ct) => await AssembleAsync(job, byFile, ct).ConfigureAwait(false))).ConfigureAwait(false);
                await stages.TimeAsync("prepare", () => Parallel.ForEachAsync(toSign, parallel, async (job, ct) => await PrepareAsync(job, options, ct).ConfigureAwait(false))).ConfigureAwait(false);
                await stages.TimeAsync("sign and write", () => SignAndWriteAsync(toSign.Where(j => j.IsAlive).ToArray(), parallel.MaxDegreeOfParallelism, cancellationToken)).ConfigureAwait(false);
                foreach (var copy in round.Where(j => j.File.Entry?.DuplicateOf is not null))
                {
                    copy.TakeResultOf(byFile.GetValueOrDefault(copy.File.Entry!.DuplicateOf!));
                }
                foreach (var job in round)
                {
                    Report(job);
                }
            }
            foreach (var job in jobs)
            {
                Report(job);
            }
            return new SigningRunResult([.. jobs.Select(ResultOf)], clock.Elapsed) { Stages = stages.Totals };
        }
        finally
        {
            plan.Workspace?.Dispose();
        }
    }

    // A container is signed only when every inner file that was to be signed was; its new
    // contents are written into the workspace and inspected afresh, so it is signed as rewritten.
    private static async Task AssembleAsync(SigningJob job, Dictionary<PlannedFile, SigningJob> byFile, CancellationToken cancellationToken)
    {
        var children = job.File.Children.Select(c => byFile[c]).ToList();
        if (children.FirstOrDefault(c => c.File.WillSign && !c.Done) is { } failed)
        {
            job.Error = $"not signed, because its inner file {ContainerPath.RelativeTo(job.File.Path, failed.File.Path)} was not signed";
            return;
        }
        var signed = children.Where(c => c.Done).Select(c => c.File).ToList();
        if (signed.Count == 0)
        {
            return;
        }
        await Guard(job, async () =>
        {
            var rewritten = await ContainerAssembler.RebuildAsync(job.File, signed, cancellationToken).ConfigureAwait(false);
            job.Inspection = await job.File.Handler!.InspectAsync(rewritten, cancellationToken).ConfigureAwait(false);
            job.Rewritten = rewritten;
        }).ConfigureAwait(false);
    }

    private async Task PrepareAsync(SigningJob job, SigningRunOptions options, CancellationToken cancellationToken)
    {
        await Guard(job, async () =>
        {
            var format = job.File.Handler!;
            job.Input = await format.PrepareAsync(job.SourcePath, job.Inspection!, options.Signature, cancellationToken).ConfigureAwait(false);
            job.SignedAttributes = SignedAttributesEncoder.Encode(job.Input, _key.Certificate, _key.Protection);
        }).ConfigureAwait(false);
    }

    // The heart of the design: one call for every digest of the round, so an HSM logs in once and
    // a remote service is asked once. Each signature is timestamped and its file written as soon
    // as the key reports it, so embedding overlaps with the key still signing the rest.
    private async Task SignAndWriteAsync(SigningJob[] jobs, int maxParallelWrites, CancellationToken cancellationToken)
    {
        if (jobs.Length == 0)
        {
            return;
        }
        var requests = jobs.Select(j => new DigestSignRequest(j.Input!.Digest, j.Input.Digest.Hash(j.SignedAttributes), Path.GetFileName(j.File.Path))).ToArray();
        using var writers = new SemaphoreSlim(maxParallelWrites);
        var finishing = new ConcurrentQueue<Task>();
        try
        {
            await _key.SignBatchAsync(new DigestSignBatch(requests, _context), (index, result) =>
            {
                var job = jobs[index];
                if (result.Value is null)
                {
                    job.Error = $"the key refused to sign it: {result.Error}";
                    return;
                }
                job.Signature = result.Value;
                // Off the key's thread: an HSM worker must go straight on to the next digest.
                finishing.Enqueue(Task.Run(() => FinishAsync(job, writers, cancellationToken), cancellationToken));
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is SigningException or CryptographicException or IOException)
        {
            var reason = exception is SigningException signing ? signing.Message : $"signing failed: {exception.Message}";
            foreach (var job in jobs.Where(j => j.Signature is null))
            {
                job.Error = reason;
            }
        }
        await Task.WhenAll(finishing).ConfigureAwait(false);
    }

    private async Task FinishAsync(SigningJob job, SemaphoreSlim writers, CancellationToken cancellationToken)
    {
        await TimestampAsync(job, cancellationToken).ConfigureAwait(false);
        await writers.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await WriteAsync(job, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            writers.Release();
        }
        // Inner files are reported with their container's round; plain files as soon as they are written.
        if (job.File.Entry is null && job.File.Container is null)
        {
            Report(job);
        }
    }

    private void Report(SigningJob job)
    {
        if (FileFinished is { } listener && job.MarkReported())
        {
            listener(ResultOf(job));
        }
    }

    private async Task TimestampAsync(SigningJob job, CancellationToken cancellationToken)
    {
        if (_timestamper is null)
        {
            return;
        }
        await Guard(job, async () =>
        {
            job.Timestamp = await _timestamper.TimestampSignatureAsync(job.Signature!, job.Input!.Digest, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    private async Task WriteAsync(SigningJob job, CancellationToken cancellationToken)
    {
        var format = job.File.Handler!;
        var home = job.File.WorkPath ?? job.File.Path;
        var target = job.File.WorkSignaturePath ?? job.File.SignaturePath ?? home;
        var temp = SigningTempFile.Beside(target);
        // A rewritten container whose signature lives beside it (FILE.p7s) replaces its archive too.
        var contentTemp = job.Rewritten is not null && target != home ? SigningTempFile.Beside(home) : null;
        try
        {
            await Guard(job, async () =>
            {
                IReadOnlyList<SignedAttribute> unsigned = job.Timestamp is { } timestamp
                    ? [new SignedAttribute(job.Input!.TimestampAttribute, timestamp.Token)]
                    : [];
                var contentInfo = SignedDataEncoder.Encode(job.Input!, job.SignedAttributes!, job.Signature!, _key, unsigned);
                var action = job.File.Action == PlannedAction.Append ? ExistingSignatureAction.Append : ExistingSignatureAction.Replace;
                await format.EmbedAsync(job.SourcePath, temp, job.Input!, new SignedContent(contentInfo, job.Timestamp?.Time), action, cancellationToken).ConfigureAwait(false);
                if (job.File.Snapshot is { } snapshot && !snapshot.StillMatches(home))
                {
                    throw new SigningException(job.File.Path, "the file changed while it was being signed; it was left as it is now");
                }
                await format.CheckWrittenAsync(job.SourcePath, temp, job.Input!, cancellationToken).ConfigureAwait(false);
                CopyPermissions(File.Exists(target) ? target : home, temp);
                if (contentTemp is not null)
                {
                    // The archive and its signature change together or not at all.
                    File.Copy(job.Rewritten!, contentTemp);
                    CopyPermissions(home, contentTemp);
                    await CheckCopyAsync(job, contentTemp, cancellationToken).ConfigureAwait(false);
                    PairedReplacement.Replace(home, contentTemp, target, temp);
                }
                else
                {
                    File.Move(temp, target, overwrite: true);
                }
                job.Done = true;
            }).ConfigureAwait(false);
        }
        finally
        {
            if (!job.Done)
            {
                SigningTempFile.Delete(temp);
                if (contentTemp is not null)
                {
                    SigningTempFile.Delete(contentTemp);
                }
            }
        }
    }

    // The copy beside the archive must be the very bytes the signature covers.
    private static async Task CheckCopyAsync(SigningJob job, string copy, CancellationToken cancellationToken)
    {
        var digest = await StreamingFileDigest.ComputeAsync(copy, job.Input!.Digest, cancellationToken).ConfigureAwait(false);
        if (!digest.AsSpan().SequenceEqual(job.Input.FileDigest.Span))
        {
            throw new SigningException(job.File.Path, "the rewritten archive changed while it was copied into place; nothing was changed");
        }
    }

    private static void CopyPermissions(string from, string to)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(to, File.GetUnixFileMode(from));
        }
    }

    // Turns any failure of one file into that file's one-line error; the run goes on.
    private static async Task Guard(SigningJob job, Func<Task> step)
    {
        if (!job.IsAlive)
        {
            return;
        }
        try
        {
            await step().ConfigureAwait(false);
        }
        catch (SigningException exception)
        {
            job.Error = exception.FilePath is null ? exception.Message : exception.Reason;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or CryptographicException or InvalidDataException)
        {
            job.Error = exception.Message;
        }
        catch (Exception exception) when (exception is not OperationCanceledException and not OutOfMemoryException)
        {
            // A defect, not bad input: still only this file's failure, with the trace kept for a verbose log.
            job.Error = $"unexpected error ({exception.GetType().Name}): {exception.Message}";
            job.Detail = exception.ToString();
        }
    }

    private FileSigningResult ResultOf(SigningJob job)
    {
        var file = job.File;
        var status = file.Action switch
        {
            PlannedAction.Skip => FileSigningStatus.Skipped,
            PlannedAction.Refuse => FileSigningStatus.Failed,
            _ => job.Done ? FileSigningStatus.Signed : FileSigningStatus.Failed,
        };
        return new FileSigningResult
        {
            Path = file.Path,
            Format = file.Format,
            Action = file.Action,
            Status = status,
            SignaturePath = file.SignaturePath,
            Digest = job.Input is null ? null : Convert.ToHexStringLower(job.Input.FileDigest.Span),
            DigestAlgorithm = job.Input?.Digest,
            CertificateThumbprint = job.Done ? _key.Certificate.GetCertHashString(HashAlgorithmName.SHA256) : null,
            TimestampTime = job.Done ? job.Timestamp?.Time : null,
            KeyProtection = job.Done ? _key.Protection : null,
            Warnings = job.Input?.Warnings ?? [],
            Error = file.Action == PlannedAction.Refuse || file.Action == PlannedAction.Skip ? file.Reason : job.Error,
            Detail = job.Detail ?? file.Detail,
            Round = file.Round,
        };
    }

    /// <summary>The state of one file as it moves through the stages.</summary>
    private sealed class SigningJob(PlannedFile file)
    {
        public PlannedFile File { get; } = file;
        public FileInspection? Inspection { get; set; } = file.Inspection;
        /// <summary>A container's new archive, written with its signed inner files.</summary>
        public string? Rewritten { get; set; }
        /// <summary>Where the bytes to sign are read from.</summary>
        public string SourcePath => Rewritten ?? File.WorkPath ?? File.Path;
        public SigningInput? Input { get; set; }
        public byte[]? SignedAttributes { get; set; }
        public byte[]? Signature { get; set; }
        public SignatureTimestamp? Timestamp { get; set; }
        public string? Error { get; set; }
        /// <summary>The full exception of an unexpected failure, for a verbose log.</summary>
        public string? Detail { get; set; }
        public bool Done { get; set; }
        private int _reported;

        /// <summary>True the first time: each file's result is reported once.</summary>
        public bool MarkReported() => Interlocked.Exchange(ref _reported, 1) == 0;
        public bool IsAlive => Error is null && File.WillSign;

        /// <summary>A copy of identical content comes out as the file that was signed for it did.</summary>
        public void TakeResultOf(SigningJob? signed)
        {
            if (signed is null)
            {
                Error = "its identical copy elsewhere in the run was not signed";
                return;
            }
            Input = signed.Input;
            Timestamp = signed.Timestamp;
            Done = signed.Done;
            Error = signed.Done ? null : $"not signed: {signed.Error ?? "its identical copy was not signed"}";
        }
    }
}
