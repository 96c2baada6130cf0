using BuildSign.Core.Pipeline;
using BuildSign.Core.Formats;
using BuildSign.Core.Formats.Containers;

namespace BuildSign.Core.Pipeline.Containers;

/// <summary>
/// After a container's inner files are signed, writes the container anew in its workspace folder
/// with the signed files in place of the originals (and the detached signatures of nested archives
/// beside them), ready to be signed itself. The original archive is not touched.
/// </summary>
internal static class ContainerAssembler
{
    /// <summary>
    /// Rewrites <paramref name="container"/> with the <paramref name="signedChildren"/>; returns the
    /// new archive's path.
    /// </summary>
    public static async Task<string> RebuildAsync(PlannedFile container, IReadOnlyCollection<PlannedFile> signedChildren, CancellationToken cancellationToken)
    {
        var content = container.Container ?? throw new InvalidOperationException("not a planned container");
        var layout = content.Layout;
        var changes = new ContainerChanges { DroppedEntry = content.Format.EmbeddedSignatureEntry };
        foreach (var child in signedChildren)
        {
            var inner = child.Entry ?? throw new InvalidOperationException("not a planned inner file");
            // A copy of content signed elsewhere takes the signed bytes of the file that was signed.
            var signed = inner.DuplicateOf ?? child;
            changes.Replacements[inner.Entry.Name] = signed.WorkPath!;
            if (signed.WorkSignaturePath is { } signature && signature != signed.WorkPath)
            {
                // A detached signature (a nested .zip's .p7s) goes beside its file inside the archive.
                var name = inner.Entry.Name + signature[signed.WorkPath!.Length..];
                if (layout.Find(name) is not null)
                {
                    changes.Replacements[name] = signature;
                }
                else
                {
                    changes.Additions.Add((name, signature));
                }
            }
        }
        var output = Path.Combine(content.Folder, "rewritten" + Path.GetExtension(container.WorkPath ?? container.Path));
        File.Delete(output);
        await ContainerRewriter.WriteAsync(container.WorkPath ?? container.Path, container.Path, layout, changes, output, cancellationToken).ConfigureAwait(false);
        return output;
    }
}
