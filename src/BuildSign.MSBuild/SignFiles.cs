using System.Globalization;
using BuildSign.Core.Api;
using Microsoft.Build.Framework;
using MSBuildTask = Microsoft.Build.Utilities.Task;

namespace BuildSign.MSBuild;

/// <summary>
/// Signs a set of build outputs in one run of <see cref="BuildSigner.SignAsync"/> (one key
/// session, one batch), reporting each file as MSBuild messages and each failure as an error on
/// the file. The targets run it out of process (TaskHostFactory), so no PKCS#11 module or session
/// outlives the build.
/// </summary>
public sealed class SignFiles : MSBuildTask, ICancelableTask
{
    private readonly CancellationTokenSource _cancel = new();

    /// <summary>The files to sign: PE files, NuGet packages, or any format BuildSign knows.</summary>
    [Required]
    public ITaskItem[] Files { get; set; } = [];

    /// <summary>The key string (<c>BuildSignKey</c>): <c>pkcs11:…</c>, <c>https://…</c> or <c>file:…</c>.</summary>
    [Required]
    public string Key { get; set; } = "";

    /// <summary>A certificate file overriding the one that comes with the key (<c>BuildSignCertificate</c>).</summary>
    public string? Certificate { get; set; }

    /// <summary>RFC 3161 servers, tried in order (<c>BuildSignTimestampUrl</c>).</summary>
    public string[] TimestampUrls { get; set; } = [];

    /// <summary>At most this many timestamp requests at once (<c>BuildSignTimestampConcurrency</c>).</summary>
    public string? TimestampConcurrency { get; set; }

    /// <summary>sha256, sha384 or sha512 (<c>BuildSignDigest</c>).</summary>
    public string? Digest { get; set; }

    /// <summary>replace, append, fail or skip (<c>BuildSignOnExistingSignature</c>).</summary>
    public string? OnExistingSignature { get; set; }

    /// <summary>The program description Windows shows (<c>BuildSignDescription</c>).</summary>
    public string? Description { get; set; }

    /// <summary>The more-information URL Windows shows (<c>BuildSignUrl</c>).</summary>
    public string? Url { get; set; }

    /// <summary>Where in the build this run happens (build, publish, bundle, pack); only for messages.</summary>
    public string Stage { get; set; } = "build";

    /// <summary>The files that were signed.</summary>
    [Output]
    public ITaskItem[] SignedFiles { get; private set; } = [];

    /// <summary>How many files were signed.</summary>
    [Output]
    public int SignedCount { get; private set; }

    /// <inheritdoc />
    public void Cancel() => _cancel.Cancel();

    /// <inheritdoc />
    public override bool Execute()
    {
        try
        {
            return Run();
        }
        finally
        {
            _cancel.Dispose();
        }
    }

    private bool Run()
    {
        foreach (var missing in Files.Where(f => !File.Exists(f.GetMetadata("FullPath"))))
        {
            Log.LogError(null, MessageCodes.MissingFile, null, missing.GetMetadata("FullPath"), 0, 0, 0, 0, "BuildSign: the file to sign does not exist");
        }
        if (Log.HasLoggedErrors || Files.Length == 0)
        {
            return !Log.HasLoggedErrors;
        }

        SignRequest request;
        try
        {
            request = SignRequestFromProperties.Create(this);
        }
        catch (InvalidPropertyException exception)
        {
            Log.LogError(null, MessageCodes.InvalidProperty, null, null, 0, 0, 0, 0, "BuildSign: " + exception.Message);
            return false;
        }

        Log.LogMessage(MessageImportance.Low, "BuildSign ({0}): signing {1} file(s)", Stage, Files.Length);
        SignResult result;
        using (var progress = new ProgressQueue())
        {
            var run = Task.Run(async () =>
            {
                try
                {
                    return await new BuildSigner().SignAsync(request, progress, _cancel.Token).ConfigureAwait(false);
                }
                finally
                {
                    progress.Complete();
                }
            });
            foreach (var step in progress.Drain())
            {
                LogProgress(step);
            }
            try
            {
                result = run.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                Log.LogError(null, MessageCodes.Canceled, null, null, 0, 0, 0, 0, "BuildSign: canceled; every file is either fully signed or unchanged");
                return false;
            }
#pragma warning disable CA1031 // One clear error instead of MSBuild's task-crash report; the detail goes to the log.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                Log.LogError(null, MessageCodes.Unexpected, null, null, 0, 0, 0, 0, "BuildSign: unexpected failure ({0}): {1}", exception.GetType().Name, exception.Message);
                Log.LogMessage(MessageImportance.Low, exception.ToString());
                return false;
            }
        }
        Report(result);
        return !Log.HasLoggedErrors;
    }

    private void LogProgress(SigningProgress step)
    {
        switch (step.Kind)
        {
            case SigningProgressKind.Signed:
                Log.LogMessage(MessageImportance.Low, "BuildSign: signed {0} ({1})", step.File, step.Format);
                break;
            case SigningProgressKind.Skipped:
                Log.LogMessage(MessageImportance.Normal, "BuildSign: skipped {0}: {1}", step.File, step.Message);
                break;
            case SigningProgressKind.Warning:
                Log.LogWarning(null, MessageCodes.SigningWarning, null, null, 0, 0, 0, 0, "BuildSign: " + step.Message);
                break;
            default:
                // Planned needs no line of its own; failures are reported from the result, once, as errors.
                break;
        }
    }

    private void Report(SignResult result)
    {
        if (result.Error is not null)
        {
            Log.LogError(null, MessageCodes.RunFailed, null, null, 0, 0, 0, 0, "BuildSign: signing failed, nothing was signed: " + result.Error);
            return;
        }
        foreach (var failed in result.Files.Where(f => f.Status is FileOutcome.Failed or FileOutcome.Refused))
        {
            Log.LogError(null, MessageCodes.FileFailed, null, failed.File, 0, 0, 0, 0, "BuildSign: not signed ({0}): {1}", failed.Format, failed.Error);
            if (failed.Detail is not null)
            {
                Log.LogMessage(MessageImportance.Low, failed.Detail);
            }
        }
        var signed = result.Files.Where(f => f.Status == FileOutcome.Signed).Select(f => f.File).ToHashSet(StringComparer.Ordinal);
        SignedFiles = [.. Files.Where(f => signed.Contains(f.GetMetadata("FullPath")))];
        SignedCount = result.Signed;
        Log.LogMessage(MessageImportance.Normal, string.Format(CultureInfo.InvariantCulture,
            "BuildSign: {0} signed, {1} skipped in {2:0.00} s with {3} ({4})",
            result.Signed, result.Skipped, result.ElapsedSeconds, result.Key, result.KeyProtection));
    }
}
