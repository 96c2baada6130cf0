using System.Globalization;
using BuildSign.Core.Api;

namespace BuildSign.Cli.Commands.GitHubAction;

/// <summary>
/// Core's progress events as log lines, one per file, inside the step's log group; warnings as
/// warning annotations. Failures are annotated once the run is done, from its result.
/// </summary>
internal sealed class ActionProgress(WorkflowCommands log, WorkspacePaths paths) : IProgress<SigningProgress>
{
    public void Report(SigningProgress value)
    {
        switch (value.Kind)
        {
            case SigningProgressKind.Planned:
                log.Info(string.Create(CultureInfo.InvariantCulture, $"{value.Total} file{(value.Total == 1 ? "" : "s")} planned"));
                break;
            case SigningProgressKind.Warning:
                log.Warning(value.Message ?? "warning", title: "BuildSign");
                break;
            default:
                var word = value.Kind.ToString().ToLowerInvariant();
                var reason = value.Message is null ? "" : ": " + value.Message;
                log.Info(string.Create(CultureInfo.InvariantCulture, $"[{value.Completed}/{value.Total}] {word,-7} {paths.Relative(value.File ?? "")} ({value.Format}){reason}"));
                break;
        }
    }
}
