using System.CommandLine;
using BuildSign.Cli.Commands;

namespace BuildSign.Cli;

/// <summary>The root of the <c>buildsign</c> command: one subcommand per file under Commands/.</summary>
internal static class BuildSignCommandLine
{
    public static RootCommand Create() => new("BuildSign: sign build outputs with keys that never leave an HSM or signing service.")
    {
        SignCommand.Create(),
        VerifyCommand.Create(),
        KeysCommand.Create(),
        DevCommand.Create(),
        TsaCommand.Create(),
    };

    public static async Task<int> RunAsync(string[] args)
    {
        var result = Create().Parse(args);
        if (result.Errors.Count > 0)
        {
            foreach (var error in result.Errors)
            {
                await Console.Error.WriteLineAsync($"buildsign: {error.Message}").ConfigureAwait(false);
            }
            return ExitCodes.Usage;
        }
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };
        return await result.InvokeAsync(cancellationToken: cancellation.Token).ConfigureAwait(false);
    }
}
