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
        GitHubActionCommand.Create(),
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
        try
        {
            return await result.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }, cancellation.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("buildsign: cancelled; files not yet renamed into place are unchanged").ConfigureAwait(false);
            return ExitCodes.Failed;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // A bug, not a user mistake: still one line, and no file was left half-written.
            await Console.Error.WriteLineAsync($"buildsign: internal error ({exception.GetType().Name}): {exception.Message}").ConfigureAwait(false);
            return ExitCodes.Failed;
        }
    }
}
