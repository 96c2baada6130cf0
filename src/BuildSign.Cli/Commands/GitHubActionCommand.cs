using System.CommandLine;
using BuildSign.Cli.Commands.GitHubAction;

namespace BuildSign.Cli.Commands;

/// <summary>
/// <c>buildsign github-action</c>: the entry of the containerized GitHub Action (action.yml). It
/// takes no arguments: everything comes from the runner's environment (INPUT_*, GITHUB_*).
/// </summary>
internal static class GitHubActionCommand
{
    public static Command Create()
    {
        var command = new Command("github-action", "Run as the BuildSign GitHub Action: inputs from INPUT_* variables, outputs to GITHUB_OUTPUT (used by action.yml)");
        command.SetAction(async (_, cancellationToken) =>
        {
            var log = new WorkflowCommands(Console.Out);
            return await new GitHubActionRun(RunnerEnvironment.FromProcess(), log, Environment.GetEnvironmentVariable).RunAsync(cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}
