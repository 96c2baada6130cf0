using System.Globalization;
using BuildSign.Core.Api;

namespace BuildSign.Cli.Output;

/// <summary>
/// Prints Core's results: one line per file and a summary for people, or the versioned JSON
/// document (docs/json.md) with <c>--json</c>. Errors are one line each on standard error; names
/// from the file system are escaped so they cannot forge lines or reach the terminal as escapes.
/// </summary>
internal sealed class ResultPrinter(TextWriter output, TextWriter error, bool json, bool verbose = false)
{
    public void PrintError(string message)
    {
        error.WriteLine($"buildsign: {TerminalText.Escape(message)}");
    }

    public void PrintSign(SignResult result)
    {
        if (json)
        {
            output.WriteLine(ResultJson.Serialize(result));
            if (result.Error is not null)
            {
                PrintError(result.Error);
            }
            return;
        }
        foreach (var warning in result.Warnings)
        {
            error.WriteLine($"warning: {TerminalText.Escape(warning)}");
        }
        if (result.DryRun && result.Plan is { } plan)
        {
            PrintPlan(plan);
        }
        else
        {
            PrintFiles(result);
        }
        if (result.Error is not null)
        {
            PrintError(result.Error);
        }
    }

    private void PrintPlan(IReadOnlyList<PlanEntry> plan)
    {
        output.WriteLine($"plan ({plan.Count} file{Plural(plan.Count)}; nothing is changed by --dry-run):");
        foreach (var file in plan)
        {
            PrintPlanEntry(file, "  ");
        }
        var counts = plan.GroupBy(f => f.Action).OrderBy(g => ActionOrder(g.Key)).Select(g => $"{g.Count()} {g.Key}");
        output.WriteLine(string.Join(", ", counts));
    }

    private void PrintPlanEntry(PlanEntry file, string indent)
    {
        var detail = file.Action switch
        {
            "refuse" or "skip" => $": {TerminalText.Escape(file.Reason)}",
            "replace" or "append" => $" ({file.Format}, {file.ExistingSignatures} existing signature{Plural(file.ExistingSignatures)})",
            _ => $" ({file.Format}{(file.SignatureFile is { } sig && sig != file.File ? $" → {TerminalText.Escape(sig)}" : "")})",
        };
        output.WriteLine($"{indent}{file.Action,-8} {TerminalText.Escape(file.File)}{detail}");
        foreach (var child in file.Children)
        {
            PrintPlanEntry(child, indent + "  ");
        }
    }

    private void PrintFiles(SignResult result)
    {
        var software = result.KeyProtection == "software" ? "  [software key: development only]" : "";
        foreach (var file in result.Files)
        {
            var name = TerminalText.Escape(file.File);
            switch (file.Status)
            {
                case FileOutcome.Signed:
                    var stamp = file.TimestampTime is { } time ? $", timestamp {Iso(time)}" : ", no timestamp";
                    output.WriteLine($"{ActionPast(file.Action),-9} {name} ({file.Format}, {file.DigestAlgorithm} {file.Digest}{stamp}){software}");
                    break;
                case FileOutcome.Skipped:
                    output.WriteLine($"{"skipped",-9} {name}: {TerminalText.Escape(file.Error)}{software}");
                    break;
                default:
                    error.WriteLine($"{"FAILED",-9} {name}: {TerminalText.Escape(file.Error)}{software}");
                    if (verbose && file.Detail is { } detail)
                    {
                        error.WriteLine(detail);
                    }
                    break;
            }
            foreach (var warning in file.Warnings)
            {
                error.WriteLine($"{"warning",-9} {TerminalText.Escape(file.File)}: {TerminalText.Escape(warning)}");
            }
        }
        if (result.Key is not null)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{result.Signed} signed, {result.Skipped} skipped, {result.Failed} failed in {result.ElapsedSeconds:0.00} s with {result.Key} ({result.KeyProtection}){software}"));
        }
    }

    public void PrintVerification(VerifyResult result)
    {
        if (json)
        {
            output.WriteLine(ResultJson.Serialize(result));
            if (result.Error is not null)
            {
                PrintError(result.Error);
            }
            return;
        }
        if (result.Error is not null)
        {
            PrintError(result.Error);
            return;
        }
        foreach (var file in result.Files)
        {
            var writer = file.Valid ? output : error;
            var headline = file.Valid ? "valid" : "INVALID";
            var name = TerminalText.Escape(file.File);
            writer.WriteLine(file.Error is null
                ? $"{headline,-9} {name} ({file.Format}, {file.Signatures.Count} signature{Plural(file.Signatures.Count)})"
                : $"{headline,-9} {name}: {TerminalText.Escape(file.Error)}");
            for (var i = 0; i < file.Signatures.Count; i++)
            {
                var signature = file.Signatures[i];
                var stamp = signature.TimestampTime is { } time ? $"timestamp {Iso(time)}" : "no timestamp";
                var protection = signature.KeyProtection ?? "key protection not stated";
                writer.WriteLine($"  [{i + 1}] {(i == 0 ? "primary" : "nested")}: {TerminalText.Escape(signature.Signer)}; {signature.DigestAlgorithm}; {stamp}; {protection}");
                foreach (var problem in signature.Problems)
                {
                    writer.WriteLine($"      problem: {TerminalText.Escape(problem)}");
                }
            }
        }
        output.WriteLine($"{result.Valid} valid, {result.Invalid} invalid");
    }

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static int ActionOrder(string action) => action switch
    {
        "sign" => 0,
        "replace" => 1,
        "append" => 2,
        "skip" => 3,
        _ => 4,
    };

    private static string ActionPast(string action) => action switch
    {
        "replace" => "replaced",
        "append" => "appended",
        _ => "signed",
    };

    private static string Plural(int count) => count == 1 ? "" : "s";
}
