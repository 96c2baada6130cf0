using System.Diagnostics;
using System.Security.Cryptography;
using BuildSign.Core;
using BuildSign.Testing;

namespace BuildSign.Fuzz.Tests;

/// <summary>What a campaign against one target did.</summary>
/// <param name="Executions">Inputs run (seeds included).</param>
/// <param name="Refused">Inputs refused with a clear error.</param>
/// <param name="Findings">Inputs that crashed or hung the parser, saved as files.</param>
internal sealed record FuzzReport(string Target, int Seed, long Executions, long Refused, IReadOnlyList<string> Findings, TimeSpan Elapsed)
{
    public string Summary => $"{Target}: {Executions} executions ({Refused} refused cleanly) in {Elapsed.TotalSeconds:0.0} s, seed {Seed}, {Findings.Count} finding(s)";
}

/// <summary>
/// Runs mutants of a target's seeds for a time budget. Every input is either accepted or refused with
/// a <see cref="SigningException"/>; anything else — another exception, or no answer within
/// <see cref="HangLimit"/> — is a finding, saved under the findings folder as NAME/SHA256.bin so it can
/// become a regression test (copied into Findings/NAME/ of this project).
/// </summary>
internal static class FuzzCampaign
{
    public static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(20);

    public static async Task<FuzzReport> RunAsync(FuzzTarget target, int seed, TimeSpan budget, string findingsFolder)
    {
        using var dir = new TempDirectory("buildsign-fuzz-" + target.Name);
        var path = dir.File(target.FileName);
        var mutator = new Mutator(seed);
        var picker = new Random(seed);
        var findings = new List<string>();
        var signatures = new HashSet<string>(StringComparer.Ordinal);
        long executions = 0, refused = 0;
        var clock = Stopwatch.StartNew();

        foreach (var original in target.Seeds)
        {
            // The real files themselves must pass: a target that refuses its seeds fuzzes nothing.
            var outcome = await RunOneAsync(target, path, original);
            executions++;
            if (outcome is not null)
            {
                throw new InvalidOperationException($"{target.Name}: a seed file itself fails: {outcome}");
            }
        }
        while (clock.Elapsed < budget)
        {
            var input = mutator.Mutate(target.Seeds[picker.Next(target.Seeds.Count)]);
            var outcome = await RunOneAsync(target, path, input);
            executions++;
            switch (outcome)
            {
                case null:
                    break;
                case SigningException:
                    refused++;
                    break;
                default:
                    // One file per distinct failure (exception type and where it was thrown).
                    if (signatures.Add(SignatureOf(outcome)))
                    {
                        findings.Add(Save(findingsFolder, target.Name, input, outcome));
                    }
                    break;
            }
        }
        return new FuzzReport(target.Name, seed, executions, refused, findings, clock.Elapsed);
    }

    /// <summary>Runs one input; null when accepted, else what it threw (a <see cref="TimeoutException"/> for a hang).</summary>
    public static async Task<Exception?> RunOneAsync(FuzzTarget target, string path, byte[] input)
    {
        await File.WriteAllBytesAsync(path, input);
        try
        {
            await Task.Run(() => target.Run(path, input)).WaitAsync(HangLimit);
            return null;
        }
        catch (Exception exception)
        {
            return exception;
        }
    }

    private static string SignatureOf(Exception exception)
    {
        var frame = new StackTrace(exception).GetFrames().FirstOrDefault(f => f.GetMethod()?.DeclaringType?.Namespace?.StartsWith("BuildSign", StringComparison.Ordinal) == true);
        return $"{exception.GetType().FullName}@{frame?.GetMethod()?.DeclaringType?.Name}.{frame?.GetMethod()?.Name}";
    }

    private static string Save(string folder, string target, byte[] input, Exception exception)
    {
        var directory = Path.Combine(folder, target);
        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, Convert.ToHexStringLower(SHA256.HashData(input))[..16] + ".bin");
        File.WriteAllBytes(file, input);
        File.WriteAllText(file + ".txt", exception.ToString());
        return $"{file}: {exception.GetType().Name}: {exception.Message}";
    }
}
