using BuildSign.Core.Formats.Containers;
using BuildSign.Core.Formats.Zip;

namespace BuildSign.Core.Formats.NuGet;

/// <summary>
/// Writes a package with a new signature entry, through the project's one zip writer
/// (<see cref="ContainerRewriter"/>): every other entry copied byte for byte (only local-header
/// offsets are rewritten), an old signature entry dropped, and the signature added as the last
/// local record and the last directory header, as NuGet places it.
/// </summary>
internal static class SignedPackageWriter
{
    public static async ValueTask WriteAsync(string sourcePath, string outputPath, ZipArchiveLayout layout, ZipEntry? dropped, ZipStoredEntry signature, CancellationToken cancellationToken)
    {
        var kept = layout.Entries.Count(e => e != dropped);
        if (kept > NuGetSignatureEntry.MaxEntriesBeforeSigning)
        {
            throw new SigningException(sourcePath, $"too many entries to add a signature ({kept}, NuGet allows {NuGetSignatureEntry.MaxEntriesBeforeSigning} before signing)");
        }
        var changes = new ContainerChanges { DroppedEntry = dropped?.Name };
        changes.Additions.Add(signature);
        await ContainerRewriter.WriteAsync(sourcePath, sourcePath, layout, changes, outputPath, cancellationToken).ConfigureAwait(false);
    }
}
