using System.CommandLine;
using BuildSign.Cli.Output;
using BuildSign.Core;
using BuildSign.Core.Api;
using BuildSign.Core.Formats;
using BuildSign.Core.Keys;
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
        var timestampTimeLimit = new Option<int?>("--timestamp-time-limit")
        {
            Description = "Seconds the whole run may wait for timestamps (default 600); files still waiting then fail at once",
        };
        timestampTimeLimit.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 1 or > 86400)
            {
                r.AddError("--timestamp-time-limit must be between 1 and 86400 seconds");
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
        var refuseSoftware = new Option<bool>("--refuse-software-keys") { Description = "Refuse to sign with a software (file) key" };
        var runContext = new Option<string[]>("--run-context")
        {
            Description = "name=value describing the CI run (pipeline, run id, commit…) for a signing service's audit record; repeat for each",
            AllowMultipleArgumentsPerToken = false,
        };
        runContext.Validators.Add(r =>
        {
            foreach (var pair in r.GetValueOrDefault<string[]>() ?? [])
            {
                if (pair.IndexOf('=', StringComparison.Ordinal) < 1)
                {
                    r.AddError($"--run-context '{pair}' is not of the form name=value");
                }
            }
        });
        var json = CommonOptions.Json();
        var verbose = CommonOptions.Verbose();
        var paths = CommonOptions.Paths();

        var command = new Command("sign", "Sign files with a key in an HSM, a signing service, or (development only) a file")
        {
            key, certificate, timestampUrls, timestampConcurrency, timestampTimeLimit, digest, onExisting, description, url, recursive, dryRun, refuseSoftware, runContext, json, verbose, paths,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var policy = Enum.Parse<ExistingSignatureAction>(result.GetValue(onExisting)!, ignoreCase: true);
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
            var request = new SignRequest
            {
                Paths = result.GetValue(paths) ?? [],
                Key = result.GetValue(key)!,
                Certificate = result.GetValue(certificate),
                TimestampUrls = urls,
                TimestampConcurrency = result.GetValue(timestampConcurrency),
                TimestampTimeLimit = result.GetValue(timestampTimeLimit) is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
                Digest = DigestAlgorithms.Parse(result.GetValue(digest)!),
                OnExistingSignature = policy,
                // Third-party files inside containers keep their signatures unless the user said otherwise.
                OnExistingInnerSignature = result.GetResult(onExisting) is { Implicit: false } ? policy : null,
                Description = result.GetValue(description),
                Url = result.GetValue(url),
                Recursive = result.GetValue(recursive),
                DryRun = result.GetValue(dryRun),
                RefuseSoftwareKeys = result.GetValue(refuseSoftware),
                RunContext = RunContextOf(result.GetValue(runContext)),
            };
            var printer = new ResultPrinter(Console.Out, Console.Error, result.GetValue(json), result.GetValue(verbose));
            SignResult outcome;
            using (var live = LiveProgress.ForConsole(result.GetValue(json)))
            {
                outcome = await new BuildSigner().SignAsync(request, live, cancellationToken).ConfigureAwait(false);
            }
            printer.PrintSign(outcome);
            return outcome.Succeeded ? ExitCodes.Success : ExitCodes.Failed;
        });
        return command;
    }

    // The last value of a repeated name wins, as with environment variables.
    private static SigningRunContext RunContextOf(string[]? pairs)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs ?? [])
        {
            var separator = pair.IndexOf('=', StringComparison.Ordinal);
            properties[pair[..separator]] = pair[(separator + 1)..];
        }
        return new SigningRunContext { Properties = properties };
    }
}
