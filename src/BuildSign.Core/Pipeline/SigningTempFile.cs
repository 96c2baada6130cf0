namespace BuildSign.Core.Pipeline;

/// <summary>
/// The temporary file a signed result is written to: beside the target (same file system, so
/// the final rename is atomic), hidden, and recognisable so it is never itself signed.
/// </summary>
public static class SigningTempFile
{
    private const string Marker = ".buildsign-";

    /// <summary>A new temporary path beside <paramref name="target"/>.</summary>
    public static string Beside(string target)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(target)) ?? ".";
        return Path.Combine(directory, $".{Path.GetFileName(target)}{Marker}{Guid.NewGuid():N}.tmp");
    }

    /// <summary>True for a file made by <see cref="Beside"/>.</summary>
    public static bool IsTempFile(string path)
    {
        var name = Path.GetFileName(path);
        return name.StartsWith('.') && name.Contains(Marker, StringComparison.Ordinal) && name.EndsWith(".tmp", StringComparison.Ordinal);
    }

    /// <summary>Deletes a temporary file, ignoring one that is already gone.</summary>
    public static void Delete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
