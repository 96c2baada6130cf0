using System.Globalization;
using System.Text.Json;
using BuildSign.Core;
using BuildSign.Core.Keys;
using BuildSign.Core.Pipeline;
using BuildSign.Core.Verification;

namespace BuildSign.Cli.Output;

/// <summary>
/// Prints plans and results: one line per file and a summary for people, or one JSON document
/// with <c>--json</c>. Errors are one line each on standard error.
/// </summary>
internal sealed class ResultPrinter(TextWriter standardOutput, TextWriter standardError, bool json)
{
    // File names and reasons reach a terminal: their control characters are shown, not obeyed. JSON escapes its own.
    private readonly TextWriter output = json ? standardOutput : new PrintableTextWriter(standardOutput);
    private readonly TextWriter error = new PrintableTextWriter(standardError);

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never,
    };

    public void PrintError(string message)
    {
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(new { error = message }, JsonOptions));
        }
        error.WriteLine($"buildsign: {message}");
    }

    /// <summary>A line about something done before signing (an interrupted run's files put in order), on standard error.</summary>
    public void PrintNote(string note) => error.WriteLine($"buildsign: note: {note}");

    public void PrintPlan(SigningPlan plan)
    {
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(new { plan = plan.Files.Select(PlanEntry) }, JsonOptions));
            return;
        }
        output.WriteLine($"plan ({plan.Files.Count} file{Plural(plan.Files.Count)}; nothing is changed by --dry-run):");
        foreach (var file in plan.Files)
        {
            PrintPlannedFile(file, "  ");
        }
        var counts = plan.Files.GroupBy(f => f.Action).OrderBy(g => g.Key).Select(g => $"{g.Count()} {ActionWord(g.Key)}");
        output.WriteLine(string.Join(", ", counts));
    }

    private void PrintPlannedFile(PlannedFile file, string indent)
    {
        var detail = file.Action switch
        {
            PlannedAction.Refuse or PlannedAction.Skip => $": {file.Reason}",
            PlannedAction.Replace or PlannedAction.Append => $" ({file.Format}, {file.ExistingSignatures} existing signature{Plural(file.ExistingSignatures)})",
            _ => $" ({file.Format}{(file.SignaturePath is { } sig && sig != file.Path ? $" → {sig}" : "")})",
        };
        output.WriteLine($"{indent}{ActionWord(file.Action),-8} {file.Path}{detail}");
        foreach (var child in file.Children)
        {
            PrintPlannedFile(child, indent + "  ");
        }
    }

    public void PrintRun(SigningRunResult run, ISigningKey key)
    {
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(new
            {
                key = key.DisplayName,
                keyProtection = key.Protection.ToText(),
                files = run.Files.Select(FileEntry),
                signed = run.Count(FileSigningStatus.Signed),
                skipped = run.Count(FileSigningStatus.Skipped),
                failed = run.Count(FileSigningStatus.Failed),
                elapsedSeconds = Math.Round(run.Elapsed.TotalSeconds, 3),
                stageSeconds = run.Stages.ToDictionary(s => s.Key, s => Math.Round(s.Value.TotalSeconds, 3)),
            }, JsonOptions));
            return;
        }
        var software = key.Protection == KeyProtection.Software ? "  [software key: development only]" : "";
        foreach (var file in run.Files)
        {
            switch (file.Status)
            {
                case FileSigningStatus.Signed:
                    var stamp = file.TimestampTime is { } time ? $", timestamp {time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}" : ", no timestamp";
                    output.WriteLine($"{ActionPast(file.Action),-9} {file.Path} ({file.Format}, {file.DigestAlgorithm?.DisplayName()} {file.Digest}{stamp}){software}");
                    break;
                case FileSigningStatus.Skipped:
                    output.WriteLine($"{"skipped",-9} {file.Path}: {file.Error}{software}");
                    break;
                default:
                    error.WriteLine($"{"FAILED",-9} {file.Path}: {file.Error}{software}");
                    break;
            }
        }
        var failed = run.Count(FileSigningStatus.Failed);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{run.Count(FileSigningStatus.Signed)} signed, {run.Count(FileSigningStatus.Skipped)} skipped, {failed} failed in {run.Elapsed.TotalSeconds:0.00} s with {key.DisplayName} ({key.Protection.ToText()}){software}"));
    }

    public void PrintVerification(IReadOnlyList<FileVerification> results)
    {
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(new
            {
                files = results.Select(r => new
                {
                    file = r.Path,
                    format = r.Format,
                    valid = r.IsValid,
                    error = r.Error,
                    signatures = r.Signatures.Select(s => new
                    {
                        signer = s.Signer,
                        certificateThumbprint = s.CertificateThumbprint,
                        digestAlgorithm = s.Digest.DisplayName(),
                        keyProtection = s.KeyProtection?.ToText(),
                        timestampTime = s.TimestampTime,
                        valid = s.IsValid,
                        problems = s.Problems,
                    }),
                }),
                valid = results.Count(r => r.IsValid),
                invalid = results.Count(r => !r.IsValid),
            }, JsonOptions));
            return;
        }
        foreach (var result in results)
        {
            var writer = result.IsValid ? output : error;
            var headline = result.IsValid ? "valid" : "INVALID";
            writer.WriteLine(result.Error is null
                ? $"{headline,-9} {result.Path} ({result.Format}, {result.Signatures.Count} signature{Plural(result.Signatures.Count)})"
                : $"{headline,-9} {result.Path}: {result.Error}");
            for (var i = 0; i < result.Signatures.Count; i++)
            {
                var signature = result.Signatures[i];
                var stamp = signature.TimestampTime is { } time ? $"timestamp {time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}" : "no timestamp";
                var protection = signature.KeyProtection is { } p ? p.ToText() : "key protection not stated";
                writer.WriteLine($"  [{i + 1}] {(i == 0 ? "primary" : "nested")}: {signature.Signer}; {signature.Digest.DisplayName()}; {stamp}; {protection}");
                foreach (var problem in signature.Problems)
                {
                    writer.WriteLine($"      problem: {problem}");
                }
            }
        }
        output.WriteLine($"{results.Count(r => r.IsValid)} valid, {results.Count(r => !r.IsValid)} invalid");
    }

    private static object PlanEntry(PlannedFile file) => new
    {
        file = file.Path,
        format = file.Format,
        action = ActionWord(file.Action),
        signatureFile = file.SignaturePath,
        existingSignatures = file.ExistingSignatures,
        round = file.Round,
        reason = file.Reason,
        children = file.Children.Select(PlanEntry),
    };

    private static object FileEntry(FileSigningResult file) => new
    {
        file = file.Path,
        status = file.Status.ToString().ToLowerInvariant(),
        format = file.Format,
        action = ActionWord(file.Action),
        signatureFile = file.SignaturePath,
        digest = file.Digest,
        digestAlgorithm = file.DigestAlgorithm?.DisplayName(),
        certificateThumbprint = file.CertificateThumbprint,
        timestampTime = file.TimestampTime,
        keyProtection = file.KeyProtection?.ToText(),
        error = file.Error,
    };

    private static string ActionWord(PlannedAction action) => action.ToString().ToLowerInvariant();

    private static string ActionPast(PlannedAction action) => action switch
    {
        PlannedAction.Replace => "replaced",
        PlannedAction.Append => "appended",
        _ => "signed",
    };

    private static string Plural(int count) => count == 1 ? "" : "s";
}
