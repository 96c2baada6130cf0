using System.Text;
using System.Text.RegularExpressions;

namespace BuildSign.Cli.Commands.GitHubAction;

/// <summary>
/// One glob of the <c>files</c> input: <c>*</c> and <c>?</c> within a path segment, <c>**</c> across
/// segments (<c>a/**/b.dll</c> also matches <c>a/b.dll</c>). The segments before the first wildcard
/// are a plain folder (<see cref="Root"/>): only that folder is walked, never the whole workspace.
/// </summary>
internal sealed class WorkspaceGlob
{
    private readonly Regex _pattern;

    private WorkspaceGlob(string root, string relativePattern, bool matchesNameAnywhere)
    {
        Root = root;
        RelativePattern = relativePattern;
        MatchesNameAnywhere = matchesNameAnywhere;
        _pattern = new Regex(ToRegex(relativePattern), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        Deep = relativePattern.Contains('/', StringComparison.Ordinal) || relativePattern.Contains("**", StringComparison.Ordinal);
    }

    /// <summary>The full path of the folder the glob starts in.</summary>
    public string Root { get; }

    /// <summary>The wildcard part, matched against paths relative to <see cref="Root"/>.</summary>
    public string RelativePattern { get; }

    /// <summary>True when the files below <see cref="Root"/>'s subfolders can match.</summary>
    public bool Deep { get; }

    /// <summary>An exclusion without a folder (<c>!*.pdb</c>) matches that name in any folder.</summary>
    public bool MatchesNameAnywhere { get; }

    /// <summary>True when the text has a wildcard.</summary>
    public static bool HasWildcard(string text) => text.AsSpan().IndexOfAny('*', '?') >= 0;

    /// <summary>A glob for including files, resolved against <paramref name="workspace"/>.</summary>
    public static WorkspaceGlob Include(string pattern, string workspace)
    {
        var segments = Normalize(pattern).Split('/');
        var firstWild = Array.FindIndex(segments, HasWildcard);
        var rootText = string.Join('/', segments[..firstWild]);
        var root = Path.GetFullPath(rootText.Length == 0 ? workspace : Path.Combine(workspace, rootText));
        if (pattern.StartsWith('/') && rootText.Length == 0)
        {
            root = "/";
        }
        return new WorkspaceGlob(root, string.Join('/', segments[firstWild..]), matchesNameAnywhere: false);
    }

    /// <summary>A glob for excluding files; matched against workspace-relative paths.</summary>
    public static WorkspaceGlob Exclude(string pattern, string workspace)
    {
        var normalized = Normalize(pattern);
        if (Path.IsPathRooted(normalized))
        {
            normalized = Path.GetRelativePath(workspace, normalized).Replace('\\', '/');
        }
        normalized = normalized.TrimStart('/');
        if (normalized.StartsWith("./", StringComparison.Ordinal))
        {
            normalized = normalized[2..];
        }
        return new WorkspaceGlob(workspace, normalized, matchesNameAnywhere: !normalized.Contains('/', StringComparison.Ordinal));
    }

    /// <summary>True when the path (relative to <see cref="Root"/>, with /) matches.</summary>
    public bool Matches(string relativePath)
    {
        if (MatchesNameAnywhere)
        {
            var name = relativePath[(relativePath.LastIndexOf('/') + 1)..];
            return _pattern.IsMatch(name) || _pattern.IsMatch(relativePath);
        }
        return _pattern.IsMatch(relativePath);
    }

    private static string Normalize(string pattern)
    {
        var normalized = pattern.Replace('\\', '/');
        while (normalized.Contains("//", StringComparison.Ordinal))
        {
            normalized = normalized.Replace("//", "/", StringComparison.Ordinal);
        }
        return normalized;
    }

    private static string ToRegex(string pattern)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                // "**/" may stand for no folder at all; a final "**" is everything below.
                if (i + 2 < pattern.Length && pattern[i + 2] == '/')
                {
                    regex.Append("(?:.*/)?");
                    i += 2;
                }
                else
                {
                    regex.Append(".*");
                    i += 1;
                }
            }
            else if (c == '*')
            {
                regex.Append("[^/]*");
            }
            else if (c == '?')
            {
                regex.Append("[^/]");
            }
            else
            {
                regex.Append(Regex.Escape(c.ToString()));
            }
        }
        return regex.Append('$').ToString();
    }
}
