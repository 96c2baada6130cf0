using System.IO.Enumeration;
using BuildSign.Core.Files;

namespace BuildSign.Core.Pipeline;

/// <summary>Turns the paths of a run (files, directories, globs with * ? and **) into files.</summary>
public static class FileDiscovery
{
    /// <summary>
    /// Finds the files; paths that name nothing usable come back with an error. Files are named by
    /// their real path (links resolved, no "..") so that two names of one file are one file.
    /// </summary>
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
        switch (FileKinds.Of(full))
        {
            case FileKind.Regular:
                // A symbolic link is followed: its target is the file signed, in place, and the link stays.
                return [new DiscoveredFile(RealPath.Of(full), true)];
            case FileKind.Directory when !recursive:
                return [new DiscoveredFile(full, true, "is a directory (sign recursively to include the files in it)")];
            case FileKind.Directory:
                return Walk(RealPath.Of(full), recurse: true).Select(f => new DiscoveredFile(f, false));
            case FileKind.Special:
                return [new DiscoveredFile(full, true, "is not a regular file (a FIFO, socket or device): only regular files are signed")];
            default:
                return [new DiscoveredFile(full, true, "no such file or directory")];
        }
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
        root = RealPath.Of(root);
        var relativePattern = string.Join('/', segments[firstWild..]);
        var deep = relativePattern.Contains("**", StringComparison.Ordinal) || segments.Length - firstWild > 1;
        return Walk(root, deep).Where(f => Matches(relativePattern, Path.GetRelativePath(root, f).Replace('\\', '/')));
    }

    // Walks see regular files only: links are not followed (a walk stays inside its folder) and
    // FIFOs, sockets and devices are passed over, since opening one can block or never end.
    private static IEnumerable<string> Walk(string root, bool recurse) =>
        Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = recurse, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true })
            .Where(f => !SigningTempFile.IsTempFile(f) && FileKinds.OfLinkItself(f) == FileKind.Regular)
            .Order(StringComparer.Ordinal);

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
