using BuildSign.Core.Files;

namespace BuildSign.Core.Pipeline;

/// <summary>
/// Removes what killed runs left in a folder: their temporary files, and their pair journals after
/// finishing or undoing the pair (<see cref="PairedReplacement"/>). Only leftovers of runs that are
/// known to be dead (<see cref="LiveRuns"/>) are touched, never a live run's.
/// </summary>
public static class LeftoverCleaner
{
    /// <summary>Cleans one folder; returns a line for each pair that was finished or undone.</summary>
    public static IReadOnlyList<string> CleanFolder(string folder)
    {
        var notes = new List<string>();
        List<string> names;
        try
        {
            names = [.. Directory.EnumerateFiles(folder, SigningTempFile.NamePrefix + "*", new EnumerationOptions { IgnoreInaccessible = true, AttributesToSkip = 0 })];
            names.AddRange(Directory.EnumerateFiles(folder, ".*" + SigningTempFile.TempExtension).Where(n => SigningTempFile.IsOldTempFile(Path.GetFileName(n)) && !names.Contains(n)));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return notes;
        }
        // Journals first: they need the temporary files they name.
        foreach (var path in names.OrderBy(n => n.EndsWith(SigningTempFile.JournalExtension, StringComparison.Ordinal) ? 0 : 1))
        {
            if (!IsDeadLeftover(path))
            {
                continue;
            }
            if (path.EndsWith(SigningTempFile.JournalExtension, StringComparison.Ordinal))
            {
                if (PairedReplacement.Recover(path) is { } note)
                {
                    notes.Add(note);
                }
            }
            else if (FileKinds.OfLinkItself(path) == FileKind.Regular)
            {
                SigningTempFile.Delete(path);
            }
        }
        return notes;
    }

    private static bool IsDeadLeftover(string path)
    {
        DateTime written;
        try
        {
            written = File.GetLastWriteTimeUtc(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        if (SigningTempFile.TryGetRunId(path, out var runId))
        {
            return LiveRuns.IsDead(runId, written);
        }
        return SigningTempFile.IsOldTempFile(Path.GetFileName(path)) && DateTime.UtcNow - written > LiveRuns.UnknownOwnerAge;
    }
}
