namespace BuildSign.Cli.Commands.GitHubAction;

/// <summary>Shows paths relative to the workspace, as annotations and outputs need them.</summary>
internal sealed class WorkspacePaths(string workspace)
{
    private readonly string _prefix = Path.TrimEndingDirectorySeparator(workspace) + Path.DirectorySeparatorChar;

    /// <summary>The workspace folder.</summary>
    public string Workspace => workspace;

    /// <summary>True when the path is inside the workspace.</summary>
    public bool Contains(string path) => path.StartsWith(_prefix, StringComparison.Ordinal);

    /// <summary>The path relative to the workspace, with /; a path outside it stays as it is.
    /// An entry inside a container (<c>pkg.nupkg!lib/a.dll</c>) keeps its entry part.</summary>
    public string Relative(string path) => Contains(path) ? path[_prefix.Length..].Replace('\\', '/') : path;

    /// <summary>The file an annotation points at: for an entry inside a container, the container.</summary>
    public string AnnotationFile(string path)
    {
        var relative = Relative(path);
        var bang = relative.IndexOf('!', StringComparison.Ordinal);
        return bang > 0 && !File.Exists(path) ? relative[..bang] : relative;
    }
}
