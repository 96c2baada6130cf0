namespace BuildSign.Core.Files;

/// <summary>
/// The canonical path of a file: absolute, without "." or "..", with every symbolic link on the
/// way resolved, so that two names for one file (a link and its target, <c>a/../a</c>) compare equal.
/// </summary>
public static class RealPath
{
    private const int MaxLinks = 40;

    /// <summary>Resolves <paramref name="path"/>; parts that do not exist are kept as written.</summary>
    public static string Of(string path)
    {
        var full = Path.GetFullPath(path);
        for (var links = 0; links < MaxLinks; links++)
        {
            var root = Path.GetPathRoot(full) ?? "";
            var parts = full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
            var current = root;
            var restarted = false;
            for (var i = 0; i < parts.Length; i++)
            {
                var next = Path.Combine(current, parts[i]);
                var target = new FileInfo(next).LinkTarget;
                if (target is null)
                {
                    current = next;
                    continue;
                }
                var resolved = Path.IsPathRooted(target) ? target : Path.Combine(current, target);
                full = Path.GetFullPath(Path.Combine([resolved, .. parts[(i + 1)..]]));
                restarted = true;
                break;
            }
            if (!restarted)
            {
                return current;
            }
        }
        throw new IOException($"too many levels of symbolic links in {path}");
    }
}
