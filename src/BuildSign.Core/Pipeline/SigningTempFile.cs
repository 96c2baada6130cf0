using BuildSign.Core.Files;

namespace BuildSign.Core.Pipeline;

/// <summary>
/// The temporary files a signed result is written to: beside the target (same file system, so
/// the final rename is atomic), hidden, short (a file name of 250 bytes can still be signed), and
/// recognisable (<c>.buildsign-RUNID-N.tmp</c>) so that they are never themselves signed and a later
/// run can remove those a killed run left behind (<see cref="LeftoverCleaner"/>).
/// </summary>
public static class SigningTempFile
{
    /// <summary>What every leftover's name starts with.</summary>
    public const string NamePrefix = ".buildsign-";

    /// <summary>The extension of temporary files.</summary>
    public const string TempExtension = ".tmp";

    /// <summary>The extension of a pair journal (<see cref="PairedReplacement"/>).</summary>
    public const string JournalExtension = ".pair";

    // Names of earlier versions: ".<name>.buildsign-<32 hex>.tmp".
    private const string OldMarker = ".buildsign-";

    private static int _counter;

    /// <summary>A new temporary path beside <paramref name="target"/>.</summary>
    public static string Beside(string target) => NewName(target, TempExtension);

    /// <summary>A new journal path beside <paramref name="target"/>.</summary>
    internal static string JournalBeside(string target) => NewName(target, JournalExtension);

    /// <summary>True for a file made by <see cref="Beside"/> (or by an earlier version's naming).</summary>
    public static bool IsTempFile(string path) => TryGetRunId(path, out _) || IsOldTempFile(Path.GetFileName(path));

    /// <summary>The run id in a leftover's name, when it is one of this version's.</summary>
    internal static bool TryGetRunId(string path, out string runId)
    {
        runId = "";
        var name = Path.GetFileName(path.AsSpan());
        if (!name.StartsWith(NamePrefix, StringComparison.Ordinal) || !(name.EndsWith(TempExtension, StringComparison.Ordinal) || name.EndsWith(JournalExtension, StringComparison.Ordinal)))
        {
            return false;
        }
        var rest = name[NamePrefix.Length..];
        var dash = rest.IndexOf('-');
        if (dash < 0 || !LiveRuns.IsRunId(rest[..dash]))
        {
            return false;
        }
        runId = rest[..dash].ToString();
        return true;
    }

    /// <summary>True for a temporary file of a version that named them after their target; judged by age alone.</summary>
    internal static bool IsOldTempFile(string name) =>
        name.StartsWith('.') && name.EndsWith(TempExtension, StringComparison.Ordinal) && name.Length > OldMarker.Length + 32 + TempExtension.Length
        && name.AsSpan(name.Length - TempExtension.Length - 32 - OldMarker.Length, OldMarker.Length).SequenceEqual(OldMarker)
        && !name.AsSpan(name.Length - TempExtension.Length - 32, 32).ContainsAnyExcept("0123456789abcdef");

    /// <summary>Deletes a temporary file, ignoring one that is already gone.</summary>
    public static void Delete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static string NewName(string target, string extension)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(target)) ?? ".";
        var number = Interlocked.Increment(ref _counter).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Path.Combine(directory, $"{NamePrefix}{LiveRuns.CurrentRunId}-{number}{extension}");
    }
}
