using System.CommandLine;
using BuildSign.Cli.Output;
using BuildSign.Core;
using BuildSign.Core.Formats;
using BuildSign.Core.Keys;
using BuildSign.Core.Pipeline;
using BuildSign.Core.Timestamping;

namespace BuildSign.Cli.Commands;

/// <summary><c>buildsign sign</c>: plans, signs, timestamps, writes and verifies.</summary>
internal static class SignCommand
{
    public static Command Create()
    {
        var key = CommonOptions.Key();
        var certificate = CommonOptions.Certificate();
        var timestampUrls = new Option<string[]>("--timestamp-url")
        {
            Description = "RFC 3161 timestamp server; repeat to give fallbacks, tried in order",
            AllowMultipleArgumentsPerToken = false,
        };
        var timestampConcurrency = new Option<int>("--timestamp-concurrency")
        {
            Description = "At most this many timestamp requests in flight (default 8: public TSAs throttle clients that flood them)",
            DefaultValueFactory = _ => TimestampOptions.DefaultMaxConcurrentRequests,
        };
        timestampConcurrency.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 64)
            {
                r.AddError("--timestamp-concurrency must be between 1 and 64");
            }
        });
        var digest = new Option<string>("--digest") { Description = "Digest algorithm", DefaultValueFactory = _ => "sha256" };
        digest.AcceptOnlyFromAmong("sha256", "sha384", "sha512");
        var onExisting = new Option<string>("--on-existing-signature")
        {
            Description = "What to do with a file that is already signed",
            DefaultValueFactory = _ => "replace",
        };
        onExisting.AcceptOnlyFromAmong("replace", "append", "fail", "skip");
        var description = new Option<string?>("--description") { Description = "Program description shown by Windows (SpcSpOpusInfo)" };
        var url = new Option<string?>("--url") { Description = "More-information URL shown by Windows (SpcSpOpusInfo)" };
        var recursive = new Option<bool>("--recursive") { Description = "Sign the files in directories (and inside containers)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the plan and change nothing" };
        var json = CommonOptions.Json();
        var paths = CommonOptions.Paths();

        var command = new Command("sign", "Sign files with a key in an HSM, a signing service, or (development only) a file")
        {
            key, certificate, timestampUrls, timestampConcurrency, digest, onExisting, description, url, recursive, dryRun, json, paths,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var policy = Enum.Parse<ExistingSignatureAction>(result.GetValue(onExisting)!, ignoreCase: true);
            var options = new SigningRunOptions
            {
                Paths = result.GetValue(paths) ?? [],
                Recursive = result.GetValue(recursive),
                RemoveLeftovers = !result.GetValue(dryRun),
                OnExistingSignature = policy,
                // Third-party files inside containers keep their signatures unless the user said otherwise.
                OnExistingInnerSignature = result.GetResult(onExisting) is { Implicit: false } ? policy : ExistingSignatureAction.Skip,
                Signature = new SignatureOptions
                {
                    Digest = DigestAlgorithms.Parse(result.GetValue(digest)!),
                    Description = result.GetValue(description),
                    Url = result.GetValue(url),
                },
            };
            var urls = new List<Uri>();
            foreach (var text in result.GetValue(timestampUrls) ?? [])
            {
                if (!Uri.TryCreate(text, UriKind.Absolute, out var parsed) || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps))
                {
                    await Console.Error.WriteLineAsync($"buildsign: --timestamp-url '{text}' is not an http or https URL").ConfigureAwait(false);
                    return ExitCodes.Usage;
                }
                urls.Add(parsed);
            }
            var request = new SignRequestArguments(
                result.GetValue(key)!,
                result.GetValue(certificate),
                urls,
                result.GetValue(timestampConcurrency),
                result.GetValue(dryRun),
                result.GetValue(json));
            return await RunAsync(options, request, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private sealed record SignRequestArguments(string Key, string? Certificate, IReadOnlyList<Uri> TimestampUrls, int TimestampConcurrency, bool DryRun, bool Json);

    private static async Task<int> RunAsync(SigningRunOptions options, SignRequestArguments arguments, CancellationToken cancellationToken)
    {
        var printer = new ResultPrinter(Console.Out, Console.Error, arguments.Json);
        try
        {
            var planner = new SigningPlanner(DefaultFormats.CreateRegistry());
            using var plan = await planner.PlanAsync(options, cancellationToken).ConfigureAwait(false);
            foreach (var note in plan.Notes)
            {
                printer.PrintNote(note);
            }
            if (arguments.DryRun)
            {
                printer.PrintPlan(plan);
                return plan.Refused.Any() ? ExitCodes.Failed : ExitCodes.Success;
            }

            await using var key = await SigningKeyResolver.OpenAsync(arguments.Key, arguments.Certificate, cancellationToken).ConfigureAwait(false);
            using var timestamps = arguments.TimestampUrls.Count == 0
                ? null
                : new TimestampClient(new TimestampOptions { Urls = arguments.TimestampUrls, MaxConcurrentRequests = arguments.TimestampConcurrency });
            var pipeline = new SigningPipeline(key, timestamps);
            var run = await pipeline.ExecuteAsync(plan, options, cancellationToken).ConfigureAwait(false);
            printer.PrintRun(run, key);
            return run.Succeeded ? ExitCodes.Success : ExitCodes.Failed;
        }
        catch (SigningException exception)
        {
            printer.PrintError(exception.Message);
            return ExitCodes.Failed;
        }
    }
}
