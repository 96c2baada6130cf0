using BuildSign.Core.Files;

namespace BuildSign.Core.Pipeline;

/// <summary>
/// Replaces an archive and its detached signature (<c>c.zip</c> and <c>c.zip.p7s</c>) together or not
/// at all. Two renames cannot be one atomic step, so the pair is recorded first: a journal beside the
/// archive names both new files and a second name (a hard link) of the old archive. If the process
/// dies between the renames, the next run over that folder finishes the pair from the journal, or
/// puts the old archive back; if the signature's rename fails while running, the old archive is put
/// back at once.
/// </summary>
internal static class PairedReplacement
{
    private const string Header = "buildsign-pair 1";

    /// <summary>
    /// Moves <paramref name="archiveTemp"/> over <paramref name="archive"/> and <paramref name="signatureTemp"/>
    /// over <paramref name="signature"/>; both temps are complete and checked.
    /// </summary>
    public static void Replace(string archive, string archiveTemp, string signature, string signatureTemp)
    {
        var backup = SigningTempFile.Beside(archive);
        HardLink.CreateOrCopy(archive, backup);
        var journal = WriteJournal(archive, [archive, archiveTemp, backup, signature, signatureTemp]);
        try
        {
            File.Move(archiveTemp, archive, overwrite: true);
            try
            {
                File.Move(signatureTemp, signature, overwrite: true);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                File.Move(backup, archive, overwrite: true);
                throw new SigningException(archive, $"{Path.GetFileName(signature)} could not be written ({exception.Message}); the archive was put back as it was");
            }
        }
        finally
        {
            SigningTempFile.Delete(backup);
            SigningTempFile.Delete(journal);
        }
    }

    /// <summary>
    /// Completes the pair a dead run recorded in <paramref name="journalPath"/>: finishes it when the
    /// new archive is in place, leaves both files as they were when it is not. Returns what was done,
    /// or null when the journal is unreadable (the files were never touched then: it is written before).
    /// </summary>
    public static string? Recover(string journalPath)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(journalPath);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        if (lines.Length != 6 || lines[0] != Header)
        {
            SigningTempFile.Delete(journalPath);
            return null;
        }
        var (archive, archiveTemp, backup, signature, signatureTemp) = (lines[1], lines[2], lines[3], lines[4], lines[5]);
        string outcome;
        if (!File.Exists(signatureTemp))
        {
            outcome = $"interrupted signing of {archive}: the archive and its signature were already both in place";
        }
        else if (File.Exists(archiveTemp) || !File.Exists(backup))
        {
            // The new archive never replaced the old one, or the old one was already put back.
            outcome = $"interrupted signing of {archive}: the archive and its signature are as they were before it";
        }
        else
        {
            // The new archive is in place and its signature is complete: finish the pair.
            try
            {
                File.Move(signatureTemp, signature, overwrite: true);
                outcome = $"interrupted signing of {archive}: finished (its new signature is now in place)";
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                File.Move(backup, archive, overwrite: true);
                outcome = $"interrupted signing of {archive}: the archive was put back as it was before it";
            }
        }
        SigningTempFile.Delete(archiveTemp);
        SigningTempFile.Delete(signatureTemp);
        SigningTempFile.Delete(backup);
        SigningTempFile.Delete(journalPath);
        return outcome;
    }

    // Written under a temporary name and renamed, so a journal is either whole or absent.
    private static string WriteJournal(string archive, string[] paths)
    {
        var journal = SigningTempFile.JournalBeside(archive);
        var temp = SigningTempFile.Beside(archive);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            using (var writer = new StreamWriter(stream))
            {
                writer.Write(string.Join('\n', [Header, .. paths.Select(Path.GetFullPath)]) + "\n");
                writer.Flush();
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, journal);
        }
        finally
        {
            SigningTempFile.Delete(temp);
        }
        return journal;
    }
}
