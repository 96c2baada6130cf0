using System.CommandLine;

namespace BuildSign.Cli;

/// <summary>The root of the <c>buildsign</c> command: one subcommand per file under Commands/.</summary>
internal static class BuildSignCommandLine
{
    /// <summary>Exit code for a usage error.</summary>
    public const int UsageError = 2;

    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("BuildSign: sign build outputs with keys that never leave an HSM or signing service.");
        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            foreach (var error in result.Errors)
            {
                await Console.Error.WriteLineAsync($"buildsign: {error.Message}");
            }
            return UsageError;
        }
        return await result.InvokeAsync();
    }
}
