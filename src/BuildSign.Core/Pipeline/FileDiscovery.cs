using System.IO.Enumeration;

namespace BuildSign.Core.Pipeline;

/// <summary>Turns the paths of a run (files, directories, globs with * ? and **) into files.</summary>
public static class FileDiscovery
{
    /// <summary>Finds the files; paths that name nothing usable come back with an error.</summary>
    public static IReadOnlyList<DiscoveredFile> Discover(IEnumerable<string> paths, bool recursive)
    {
        var found = new List<DiscoveredFile>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            foreach (var file in DiscoverOne(path, recursive))
            {
                if (file.Error is not null || seen.Add(file.Path))
                {
                    found.Add(file);
                }
            }
        }
        return found;
    }

    private static IEnumerable<DiscoveredFile> DiscoverOne(string path, bool recursive)
    {
        if (path.AsSpan().IndexOfAny('*', '?') >= 0)
        {
            var matches = Glob(path).ToList();
            if (matches.Count == 0)
            {
                return [new DiscoveredFile(path, false, "no file matches the pattern")];
            }
            return matches.Select(m => new DiscoveredFile(m, false));
        }
        var full = Path.GetFullPath(path);
        if (File.Exists(full))
        {
            return [new DiscoveredFile(full, true)];
        }
        if (Directory.Exists(full))
        {
            if (!recursive)
            {
                return [new DiscoveredFile(full, true, "is a directory (sign recursively to include the files in it)")];
            }
            return Directory.EnumerateFiles(full, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint })
                .Where(f => !SigningTempFile.IsTempFile(f))
                .Order(StringComparer.Ordinal)
                .Select(f => new DiscoveredFile(f, false));
        }
        return [new DiscoveredFile(full, true, "no such file or directory")];
    }

    // The part before the first wildcard segment is a plain directory; the rest is matched
    // against paths relative to it, where ** spans directories.
    private static IEnumerable<string> Glob(string pattern)
    {
        var normalized = pattern.Replace('\\', '/');
        var segments = normalized.Split('/');
        var firstWild = Array.FindIndex(segments, s => s.AsSpan().IndexOfAny('*', '?') >= 0);
        var root = string.Join('/', segments[..firstWild]);
        root = Path.GetFullPath(root.Length == 0 ? "." : root);
        if (!Directory.Exists(root))
        {
            return [];
        }
        var relativePattern = string.Join('/', segments[firstWild..]);
        var deep = relativePattern.Contains("**", StringComparison.Ordinal) || segments.Length - firstWild > 1;
        return Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = deep, AttributesToSkip = FileAttributes.ReparsePoint })
            .Where(f => !SigningTempFile.IsTempFile(f) && Matches(relativePattern, Path.GetRelativePath(root, f).Replace('\\', '/')))
            .Order(StringComparer.Ordinal);
    }

    private static bool Matches(string pattern, string relative)
    {
        // "**/" may match no directory at all: a/**/b.dll matches a/b.dll.
        if (pattern.StartsWith("**/", StringComparison.Ordinal) && Matches(pattern[3..], relative))
        {
            return true;
        }
        var simple = pattern.Replace("**", "*", StringComparison.Ordinal);
        if (!pattern.Contains("**", StringComparison.Ordinal) && pattern.Count(c => c == '/') != relative.Count(c => c == '/'))
        {
            return false;
        }
        return FileSystemName.MatchesSimpleExpression(simple, relative, ignoreCase: false);
    }
}
