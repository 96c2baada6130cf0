using System.Text.RegularExpressions;

namespace BuildSign.Core.Tests.Architecture;

/// <summary>
/// Core's source files read as data: for each file, its part (the namespace's first level below
/// BuildSign.Core: Api, Pipeline, Formats, Cms…; "(root)" for BuildSign.Core itself) and the parts
/// it names in using directives or fully qualified references.
/// </summary>
internal static partial class CoreSourceTree
{
    public const string Root = "(root)";

    public static string SourceDirectory { get; } = Path.Combine(FindRepositoryRoot(), "src", "BuildSign.Core");

    public static IReadOnlyList<(string File, string Part, IReadOnlySet<string> Uses)> Files { get; } = Read();

    /// <summary>Which parts each part uses, and through which files.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyList<string>>> PartDependencies() =>
        Files.GroupBy(f => f.Part).ToDictionary(
            g => g.Key,
            g => (IReadOnlyDictionary<string, IReadOnlyList<string>>)g
                .SelectMany(f => f.Uses.Where(u => u != g.Key).Select(u => (Use: u, f.File)))
                .GroupBy(x => x.Use)
                .ToDictionary(x => x.Key, x => (IReadOnlyList<string>)[.. x.Select(y => y.File).Distinct()]));

    private static List<(string, string, IReadOnlySet<string>)> Read()
    {
        var result = new List<(string, string, IReadOnlySet<string>)>();
        foreach (var path in Directory.EnumerateFiles(SourceDirectory, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(SourceDirectory, path);
            if (relative.StartsWith("obj", StringComparison.Ordinal) || relative.StartsWith("bin", StringComparison.Ordinal))
            {
                continue;
            }
            var text = File.ReadAllText(path);
            var ns = NamespacePattern().Match(text) is { Success: true } m ? m.Groups[1].Value : "";
            var uses = CoreReferencePattern().Matches(text).Select(r => PartOf(r.Groups[1].Value)).ToHashSet(StringComparer.Ordinal);
            result.Add((relative, PartOf(ns), uses));
        }
        return result;
    }

    private static string PartOf(string ns)
    {
        var rest = ns.Length > "BuildSign.Core".Length ? ns["BuildSign.Core.".Length..] : "";
        return rest.Length == 0 ? Root : rest.Split('.')[0];
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "BuildSign.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("the repository root (BuildSign.sln) is not above the test's folder");
    }

    [GeneratedRegex(@"^namespace ([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex NamespacePattern();

    // using directives and fully qualified names: BuildSign.Core.X (a trailing '.' or ';' ends the part).
    [GeneratedRegex(@"\bBuildSign\.Core\.([A-Z]\w*)(?=[.;\s])")]
    private static partial Regex CoreReferencePattern();
}
