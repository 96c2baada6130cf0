using System.Collections.Concurrent;
using System.Text;
using BuildSign.Core.Formats.Zip;
using BuildSign.Core.Pipeline;
using BuildSign.Core.Formats;
using BuildSign.Core.Formats.Containers;

namespace BuildSign.Core.Pipeline.Containers;

/// <summary>
/// Plans the inside of containers for a recursive run: every entry that a (non-fallback) format
/// recognises by its first bytes and name is extracted into the workspace, inspected and planned as
/// a child, with the policy for inner files (third-party files are skipped by default); nested
/// containers are planned the same way. A container's round comes after its children's, so inner
/// files are signed first. Identical inner files (same format and SHA-256) are planned once and the
/// copies reuse the signed result. A bad archive or a bad signable inner file refuses the container.
/// </summary>
internal sealed class ContainerPlanner(FormatRegistry formats, SigningRunOptions options, ContainerWorkspace workspace)
{
    /// <summary>How deep containers may nest; deeper is refused (a zip quine would otherwise never end).</summary>
    public const int MaxDepth = 8;

    private readonly ConcurrentDictionary<string, TaskCompletionSource<PlannedFile>> _byContent = new(StringComparer.Ordinal);
    private long _unpacked;

    /// <summary>Adds the container's inner files as children, or refuses the container.</summary>
    public async Task<PlannedFile> ExpandAsync(PlannedFile container, int depth, CancellationToken cancellationToken)
    {
        try
        {
            return await ExpandCoreAsync(container, depth, cancellationToken).ConfigureAwait(false);
        }
        catch (SigningException exception)
        {
            return Refuse(container, exception.Reason, []);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return Refuse(container, $"cannot read the archive: {exception.Message}", []);
        }
    }

    private async Task<PlannedFile> ExpandCoreAsync(PlannedFile container, int depth, CancellationToken cancellationToken)
    {
        if (depth >= MaxDepth)
        {
            throw new SigningException(container.Path, $"containers nested more than {MaxDepth} deep");
        }
        var format = (IContainerFormat)container.Handler!;
        var archivePath = container.WorkPath ?? container.Path;
        await using var archive = new FileStream(archivePath, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.Asynchronous | FileOptions.RandomAccess);
        var layout = ZipArchiveReader.Read(archive, container.Path);
        var folder = workspace.NewFolder();
        var children = new List<PlannedFile>();
        foreach (var entry in layout.Entries)
        {
            if (entry.IsDirectory || entry.Name == format.EmbeddedSignatureEntry)
            {
                continue;
            }
            if (await PlanEntryAsync(archive, container.Path, entry, folder, depth, cancellationToken).ConfigureAwait(false) is { } child)
            {
                children.Add(child);
            }
        }
        if (children.FirstOrDefault(c => c.Action == PlannedAction.Refuse) is { } refused)
        {
            return Refuse(container, $"cannot sign its inner file {ContainerPath.RelativeTo(container.Path, refused.Path)}: {refused.Reason}", children);
        }
        var signing = children.Where(c => c.WillSign).ToList();
        if (signing.Count > 0 && (layout.IsZip64 || layout.Entries.Any(e => e.HasZip64Fields)))
        {
            return Refuse(container, "zip64 archives cannot be rewritten to hold signed files", children);
        }
        return container with
        {
            Children = children,
            Round = signing.Count == 0 ? 0 : signing.Max(c => c.Round) + 1,
            Container = new ContainerContent(layout, folder, format),
        };
    }

    private async Task<PlannedFile?> PlanEntryAsync(Stream archive, string containerPath, ZipEntry entry, string folder, int depth, CancellationToken cancellationToken)
    {
        var path = ContainerPath.Combine(containerPath, entry.Name);
        if (!ZipEntryExtractor.CanUnpack(entry))
        {
            // The name alone tells whether it matters: an unreadable file that no format wants is left as it is.
            var byName = formats.Classify(new FileHead(entry.Name, ReadOnlyMemory<byte>.Empty, entry.UncompressedSize), namedExplicitly: false);
            return byName is null ? null : Refused(path, byName.Name, $"compressed with method {entry.CompressionMethod}, which BuildSign cannot unpack");
        }
        var head = await ZipEntryExtractor.ReadHeadAsync(archive, containerPath, entry, FileHead.Size, cancellationToken).ConfigureAwait(false);
        var format = formats.Classify(new FileHead(entry.Name, head, entry.UncompressedSize), namedExplicitly: false);
        if (format is null)
        {
            return null;
        }
        // Declared sizes were checked per archive; nested archives multiply them, so the whole run is bounded too.
        var limit = ZipReadLimits.Default.MaxUnpackedPerRun;
        if (Interlocked.Add(ref _unpacked, entry.UncompressedSize) > limit)
        {
            throw new SigningException(containerPath, $"its signable files would unpack to more than {limit} bytes in this run (limit)");
        }
        var entryFolder = Path.Combine(folder, entry.Index.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(entryFolder);
        var workPath = Path.Combine(entryFolder, OnDiskName(entry.Name));
        var sha256 = await ZipEntryExtractor.ExtractAsync(archive, containerPath, entry, workPath, cancellationToken).ConfigureAwait(false);

        if (format is IContainerFormat)
        {
            // Containers are not shared: each copy is expanded, and a container that holds itself ends at MaxDepth.
            return DropUnsigned(await PlanInnerFileAsync(format, path, workPath, entry, depth, cancellationToken).ConfigureAwait(false));
        }
        var key = $"{format.Name}|{Path.GetExtension(entry.Name).ToLowerInvariant()}|{Convert.ToHexString(sha256)}";
        var mine = new TaskCompletionSource<PlannedFile>(TaskCreationOptions.RunContinuationsAsynchronously);
        var owner = _byContent.GetOrAdd(key, mine);
        if (owner != mine)
        {
            var primary = await owner.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return DropUnsigned(primary with
            {
                Path = path,
                SignaturePath = format.GetSignaturePath(path),
                WorkPath = workPath,
                WorkSignaturePath = format.GetSignaturePath(workPath),
                Entry = new InnerEntry(entry, primary),
            });
        }
        try
        {
            var planned = await PlanInnerFileAsync(format, path, workPath, entry, depth, cancellationToken).ConfigureAwait(false);
            mine.SetResult(planned);
            return DropUnsigned(planned);
        }
        catch (Exception exception)
        {
            mine.TrySetException(exception);
            throw;
        }
    }

    private async Task<PlannedFile> PlanInnerFileAsync(IFileFormat format, string path, string workPath, ZipEntry entry, int depth, CancellationToken cancellationToken)
    {
        FileInspection inspection;
        try
        {
            inspection = await format.InspectAsync(workPath, cancellationToken).ConfigureAwait(false);
        }
        catch (SigningException exception)
        {
            return Refused(path, format.Name, exception.Reason);
        }
        var (action, reason) = await AppendTargetCheck.ApplyAsync(format, workPath, SigningPlanner.Decide(format, inspection, options.OnExistingInnerSignature, options.SignerCertificate), cancellationToken).ConfigureAwait(false);
        var planned = new PlannedFile
        {
            Path = path,
            Format = format.Name,
            Action = action,
            Reason = reason,
            SignaturePath = format.GetSignaturePath(path),
            ExistingSignatures = inspection.ExistingSignatures,
            Handler = format,
            Inspection = inspection,
            WorkPath = workPath,
            WorkSignaturePath = format.GetSignaturePath(workPath),
            Entry = new InnerEntry(entry, null),
        };
        return format is IContainerFormat && planned.WillSign
            ? await ExpandAsync(planned, depth + 1, cancellationToken).ConfigureAwait(false)
            : planned;
    }

    // What will not be signed need not stay unpacked: the workspace holds only what the run signs.
    private static PlannedFile DropUnsigned(PlannedFile planned)
    {
        if (!planned.WillSign && planned.WorkPath is { } workPath)
        {
            SigningTempFile.Delete(workPath);
        }
        return planned;
    }

    /// <summary>
    /// The name an extracted entry gets in its own folder: the last segment of its name (checked
    /// against traversal when the archive was read), or, when that is too long for a file system's
    /// 255-byte limit with room to spare for ".p7s" and temporary names, "entry" and its extension,
    /// which is all a format goes by.
    /// </summary>
    internal static string OnDiskName(string entryName)
    {
        var name = Path.GetFileName(entryName.Replace('\\', '/'));
        if (name.Length > 0 && name != "." && Encoding.UTF8.GetByteCount(name) <= MaxOnDiskNameBytes)
        {
            return name;
        }
        var extension = Path.GetExtension(name);
        return "entry" + (extension.Length is > 1 and <= 16 && Ascii.IsValid(extension) ? extension : "");
    }

    private const int MaxOnDiskNameBytes = 160;

    private static PlannedFile Refuse(PlannedFile container, string reason, IReadOnlyList<PlannedFile> children) =>
        container with { Action = PlannedAction.Refuse, Reason = reason, Children = children, Round = 0, Container = null };

    private static PlannedFile Refused(string path, string format, string reason) => new()
    {
        Path = path,
        Format = format,
        Action = PlannedAction.Refuse,
        Reason = reason,
    };
}
