using System.CommandLine;
using System.CommandLine.Parsing;
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
        AttestationCommand.Create(),
        AuditCommand.Create(),
        ServiceCommand.Create(),
        GitHubActionCommand.Create(),
    };

    /// <summary>
    /// Words that look like options but are none (<c>--timestamp-ur</c>, <c>--bogus</c>) would otherwise
    /// become paths, and a run would sign without the option the user meant: they are usage errors.
    /// A file whose name starts with '-' can still be named after <c>--</c>.
    /// </summary>
    internal static IEnumerable<string> UnknownOptions(ParseResult result)
    {
        var doubleDash = result.Tokens.Select((t, i) => (t, i)).FirstOrDefault(x => x.t.Type == TokenType.DoubleDash) is { t: not null } found ? found.i : int.MaxValue;
        var literal = new HashSet<Token>(result.Tokens.Skip(Math.Min(doubleDash, result.Tokens.Count)), ReferenceEqualityComparer.Instance);
        return result.CommandResult.Children.OfType<System.CommandLine.Parsing.ArgumentResult>()
            .SelectMany(a => a.Tokens)
            .Where(t => t.Value.Length > 1 && t.Value[0] == '-' && !literal.Contains(t))
            .Select(t => $"unknown option '{t.Value}' (a file whose name starts with '-' goes after --)");
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var result = Create().Parse(args);
        var errors = result.Errors.Select(e => e.Message).Concat(UnknownOptions(result)).ToList();
        if (errors.Count > 0)
        {
            foreach (var error in errors)
            {
                await Console.Error.WriteLineAsync($"buildsign: {Output.TerminalText.Escape(error)}").ConfigureAwait(false);
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
