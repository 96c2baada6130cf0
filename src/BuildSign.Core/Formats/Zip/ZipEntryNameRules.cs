namespace BuildSign.Core.Formats.Zip;

/// <summary>
/// Refuses entry names that could escape an extraction folder ("../x", "/etc/x", "C:\x") or
/// that no sane tool writes (empty, NUL, backslashes used as separators to hide a traversal).
/// </summary>
public static class ZipEntryNameRules
{
    /// <summary>Returns why the name is unsafe, or null when it is acceptable.</summary>
    public static string? FindProblem(string name)
    {
        if (name.Length == 0)
        {
            return "an empty entry name";
        }
        if (name.Contains('\0', StringComparison.Ordinal))
        {
            return $"unsafe entry name '{Printable(name)}' (contains NUL)";
        }
        if (name[0] is '/' or '\\' || (name.Length >= 2 && name[1] == ':' && char.IsAsciiLetter(name[0])))
        {
            return $"unsafe entry name '{Printable(name)}' (absolute path)";
        }
        // Backslash is a separator for Windows extractors, so it is treated as one here too.
        foreach (var segment in name.Split('/', '\\'))
        {
            if (segment == "..")
            {
                return $"unsafe entry name '{Printable(name)}' (path traversal)";
            }
        }
        return null;
    }

    private static string Printable(string name)
    {
        var chars = name.Select(c => char.IsControl(c) ? '?' : c).Take(200).ToArray();
        return new string(chars);
    }
}
