using BuildSign.Core.Formats;
using BuildSign.Core.Pipeline;

namespace BuildSign.Cli.Commands.GitHubAction;

/// <summary>
/// Turns the lines of the <c>files</c> input into the files to sign. A plain path names a file
/// (signed whatever its format: unknown formats get a detached signature); a glob, or a folder with
/// <c>recursive: true</c>, selects the files of a signable format found there. <c>!pattern</c> lines
/// remove files from the selection. More than <c>max-files</c> files is an error before anything is
/// signed: a safety cap against a glob that matches far more than meant.
/// </summary>
internal sealed class WorkspaceFileSelection(string workspace, FormatRegistry formats)
{
    private static readonly EnumerationOptions Walk = new() { RecurseSubdirectories = false, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true };

    /// <summary>Selects the files; problems are recorded against the <c>files</c> or <c>max-files</c> input.</summary>
    public IReadOnlyList<string> Select(IReadOnlyList<string> lines, bool recursive, int maxFiles, ActionInputs inputs)
    {
        var excludes = lines.Where(l => l.StartsWith('!')).Select(l => WorkspaceGlob.Exclude(l[1..].Trim(), workspace)).ToList();
        var selected = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in lines.Where(l => !l.StartsWith('!')))
        {
            var matched = 0;
            var problemsBefore = inputs.Problems.Count;
            foreach (var file in Candidates(line, recursive, inputs))
            {
                if (Excluded(file, excludes))
                {
                    continue;
                }
                matched++;
                if (seen.Add(file))
                {
                    selected.Add(file);
                    if (selected.Count > maxFiles)
                    {
                        inputs.Problem("max-files", $"is {maxFiles}, and the files input selects more files than that; nothing was signed (narrow the globs or raise max-files)");
                        return [];
                    }
                }
            }
            if (matched == 0 && inputs.Problems.Count == problemsBefore)
            {
                inputs.Problem("files", $"'{line}' selects no file that can be signed");
            }
        }
        return selected;
    }

    private IEnumerable<string> Candidates(string line, bool recursive, ActionInputs inputs)
    {
        if (WorkspaceGlob.HasWildcard(line))
        {
            var glob = WorkspaceGlob.Include(line, workspace);
            return Directory.Exists(glob.Root)
                ? Files(glob.Root, glob.Deep).Where(f => glob.Matches(Relative(glob.Root, f)) && Signable(f))
                : [];
        }
        var full = Path.GetFullPath(Path.Combine(workspace, line));
        if (File.Exists(full))
        {
            return [full];
        }
        if (Directory.Exists(full))
        {
            if (!recursive)
            {
                inputs.Problem("files", $"'{line}' is a folder; use a glob ({line.TrimEnd('/')}/**) or recursive: true");
                return [];
            }
            return Files(full, deep: true).Where(Signable);
        }
        inputs.Problem("files", $"'{line}': no such file or folder in the workspace");
        return [];
    }

    private bool Excluded(string file, List<WorkspaceGlob> excludes) =>
        excludes.Count > 0 && excludes.Any(e => e.Matches(Relative(workspace, file)));

    // Found files are signed only when a format owns them; named files always are (detached at worst).
    private bool Signable(string file)
    {
        try
        {
            return formats.Classify(FileHead.Read(file), namedExplicitly: false) is not null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return true; // Core reports why it cannot read the file, against the file.
        }
    }

    private static IEnumerable<string> Files(string root, bool deep)
    {
        var pending = new Stack<string>([root]);
        while (pending.Count > 0)
        {
            var folder = pending.Pop();
            foreach (var file in Directory.EnumerateFiles(folder, "*", Walk).Order(StringComparer.Ordinal))
            {
                if (!SigningTempFile.IsTempFile(file))
                {
                    yield return file;
                }
            }
            if (deep)
            {
                // Git's object store is never build output.
                foreach (var sub in Directory.EnumerateDirectories(folder, "*", Walk).Where(d => Path.GetFileName(d) != ".git").Order(StringComparer.Ordinal).Reverse())
                {
                    pending.Push(sub);
                }
            }
        }
    }

    private static string Relative(string root, string file) => Path.GetRelativePath(root, file).Replace('\\', '/');
}
