using System.Collections;
using BuildSign.Testing;

namespace BuildSign.Action.Tests;

/// <summary>
/// What a GitHub runner gives a container action, in temp folders: a workspace, GITHUB_OUTPUT and
/// GITHUB_STEP_SUMMARY files, an event payload, the inputs as INPUT_* variables (hyphens kept).
/// Nothing of the test process's own GitHub environment leaks in.
/// </summary>
public sealed class SimulatedRunner : IDisposable
{
    private readonly TempDirectory _root = new("buildsign-runner");
    private readonly Dictionary<string, string?> _environment = new(StringComparer.Ordinal);

    public SimulatedRunner()
    {
        Workspace = Path.Combine(_root.Path, "workspace");
        FileCommands = Path.Combine(_root.Path, "file_commands");
        Directory.CreateDirectory(Workspace);
        Directory.CreateDirectory(FileCommands);
        OutputFile = Path.Combine(FileCommands, "set_output");
        SummaryFile = Path.Combine(FileCommands, "step_summary");
        File.WriteAllText(OutputFile, "");
        File.WriteAllText(SummaryFile, "");
        // Whatever the machine running the tests has must not reach the action.
        foreach (DictionaryEntry variable in System.Environment.GetEnvironmentVariables())
        {
            var name = (string)variable.Key;
            if (name.StartsWith("INPUT_", StringComparison.Ordinal) || name.StartsWith("GITHUB_", StringComparison.Ordinal) || name.StartsWith("ACTIONS_", StringComparison.Ordinal) || name.StartsWith("BUILDSIGN_", StringComparison.Ordinal))
            {
                _environment[name] = null;
            }
        }
        _environment["GITHUB_ACTIONS"] = "true";
        _environment["GITHUB_WORKSPACE"] = Workspace;
        _environment["GITHUB_OUTPUT"] = OutputFile;
        _environment["GITHUB_STEP_SUMMARY"] = SummaryFile;
        _environment["GITHUB_REPOSITORY"] = "octo-org/hello";
        _environment["GITHUB_RUN_ID"] = "4242";
        _environment["GITHUB_EVENT_NAME"] = "push";
        _environment["DOTNET_NOLOGO"] = "1";
    }

    public string Workspace { get; }

    public string FileCommands { get; }

    public string OutputFile { get; }

    public string SummaryFile { get; }

    public string Summary => File.ReadAllText(SummaryFile);

    /// <summary>The environment the action process gets.</summary>
    public IReadOnlyDictionary<string, string?> Environment => _environment;

    /// <summary>Sets an input as the runner does: INPUT_ + upper-case name, hyphens kept.</summary>
    public SimulatedRunner Input(string name, string value)
    {
        _environment["INPUT_" + name.ToUpperInvariant()] = value;
        return this;
    }

    public SimulatedRunner Variable(string name, string? value)
    {
        _environment[name] = value;
        return this;
    }

    /// <summary>Writes a file into the workspace and returns its full path.</summary>
    public string WorkspaceFile(string relative, byte[] content)
    {
        var path = Path.Combine(Workspace, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>Copies a file into the workspace.</summary>
    public string CopyToWorkspace(string source, string relative) => WorkspaceFile(relative, File.ReadAllBytes(source));

    /// <summary>Makes this a release event for the given release.</summary>
    public SimulatedRunner ReleaseEvent(long releaseId, string tag)
    {
        var payload = Path.Combine(_root.Path, "event.json");
        File.WriteAllText(payload, $$$"""{"action":"published","release":{"id":{{{releaseId}}},"tag_name":"{{{tag}}}"}}""");
        _environment["GITHUB_EVENT_NAME"] = "release";
        _environment["GITHUB_EVENT_PATH"] = payload;
        return this;
    }

    /// <summary>Runs <c>buildsign github-action</c> as the container's entry would.</summary>
    public ToolResult Run(IDictionary<string, string?>? extra = null)
    {
        var environment = new Dictionary<string, string?>(_environment);
        foreach (var (name, value) in extra ?? new Dictionary<string, string?>())
        {
            environment[name] = value;
        }
        return ExternalTool.Run("dotnet", [ActionFixture.Cli, "github-action"], environment, workingDirectory: Workspace, timeout: TimeSpan.FromMinutes(3));
    }

    /// <summary>The outputs written to GITHUB_OUTPUT, read strictly in the runner's delimiter form.</summary>
    public IReadOnlyDictionary<string, string> Outputs() => ActionOutputFile.Parse(File.ReadAllText(OutputFile));

    public void Dispose() => _root.Dispose();
}
