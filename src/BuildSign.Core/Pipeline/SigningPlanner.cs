using BuildSign.Core.Files;
using System.Security.Cryptography.X509Certificates;
using BuildSign.Core.Formats;
using BuildSign.Core.Formats.Containers;
using BuildSign.Core.Pipeline.Containers;

namespace BuildSign.Core.Pipeline;

/// <summary>Computes a <see cref="SigningPlan"/>: discovers, classifies and inspects files, and decides per file.</summary>
public sealed class SigningPlanner
{
    private readonly FormatRegistry _formats;

    /// <summary>Creates a planner over the given formats.</summary>
    public SigningPlanner(FormatRegistry formats)
    {
        _formats = formats;
    }

    /// <summary>Plans a run. Nothing is written.</summary>
    public async Task<SigningPlan> PlanAsync(SigningRunOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var discovered = FileDiscovery.Discover(options.Paths, options.Recursive);
        var notes = options.RemoveLeftovers ? RemoveLeftovers(discovered) : [];
        var planned = new PlannedFile?[discovered.Count];
        var workspace = new ContainerWorkspace();
        try
        {
            // Only recursive runs look inside containers.
            var containers = options.Recursive ? new ContainerPlanner(_formats, options, workspace) : null;
            await Parallel.ForEachAsync(Enumerable.Range(0, discovered.Count),
                new ParallelOptions { MaxDegreeOfParallelism = options.MaxParallelFiles, CancellationToken = cancellationToken },
                async (i, ct) => planned[i] = await PlanFileAsync(discovered[i], options, containers, ct).ConfigureAwait(false)).ConfigureAwait(false);
        }
        catch
        {
            workspace.Dispose();
            throw;
        }
        return new SigningPlan([.. planned.OfType<PlannedFile>()]) { Workspace = workspace, Notes = notes };
    }

    // Before anything is inspected: a pair a killed run left half-replaced is finished or undone
    // first, so the run sees the files as they really are.
    private static List<string> RemoveLeftovers(IReadOnlyList<DiscoveredFile> discovered)
    {
        var notes = new List<string>();
        foreach (var folder in discovered.Where(f => f.Error is null).Select(f => Path.GetDirectoryName(f.Path)).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            notes.AddRange(LeftoverCleaner.CleanFolder(folder));
        }
        return notes;
    }

    private async Task<PlannedFile?> PlanFileAsync(DiscoveredFile file, SigningRunOptions options, ContainerPlanner? containers, CancellationToken cancellationToken)
    {
        try
        {
            return await PlanReadableFileAsync(file, options, containers, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException and not OutOfMemoryException)
        {
            // A defect met on one file refuses that file only; the run plans the rest.
            return Refused(file.Path, "unknown", $"unexpected error ({exception.GetType().Name}): {exception.Message}") with { Detail = exception.ToString() };
        }
    }

    private async Task<PlannedFile?> PlanReadableFileAsync(DiscoveredFile file, SigningRunOptions options, ContainerPlanner? containers, CancellationToken cancellationToken)
    {
        if (file.Error is not null)
        {
            return Refused(file.Path, "unknown", file.Error);
        }
        FileHead head;
        try
        {
            head = FileHead.Read(file.Path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return Refused(file.Path, "unknown", $"cannot read the file: {exception.Message}");
        }
        var format = _formats.Classify(head, file.NamedExplicitly);
        if (format is null)
        {
            // Files met while walking a directory that no format owns are simply not ours to sign.
            return file.NamedExplicitly ? Refused(file.Path, "unknown", "unsupported file format") : null;
        }
        FileInspection inspection;
        var snapshot = SourceFileSnapshot.Take(file.Path);
        try
        {
            inspection = await format.InspectAsync(file.Path, cancellationToken).ConfigureAwait(false);
        }
        catch (SigningException exception)
        {
            return Refused(file.Path, format.Name, exception.Reason);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return Refused(file.Path, format.Name, $"cannot read the file: {exception.Message}");
        }

        var signaturePath = format.GetSignaturePath(file.Path);
        var (action, reason) = await AppendTargetCheck.ApplyAsync(format, file.Path, Decide(format, inspection, options.OnExistingSignature, options.SignerCertificate), cancellationToken).ConfigureAwait(false);
        if (action != PlannedAction.Refuse && action != PlannedAction.Skip && signaturePath != file.Path
            && FileKinds.OfLinkItself(signaturePath) is var kind and not (FileKind.Missing or FileKind.Regular))
        {
            // Renaming over it would replace a link with a file, or fail on a directory after the rest was written.
            (action, reason) = (PlannedAction.Refuse, $"{Path.GetFileName(signaturePath)} is {FileKinds.Describe(kind)}; BuildSign writes signatures only as regular files");
        }
        if (action != PlannedAction.Refuse && action != PlannedAction.Skip && IsReadOnly(signaturePath))
        {
            (action, reason) = (PlannedAction.Refuse, "read-only file (make it writable to sign it)");
        }
        var planned = new PlannedFile
        {
            Path = file.Path,
            Format = format.Name,
            Action = action,
            Reason = reason,
            SignaturePath = signaturePath,
            ExistingSignatures = inspection.ExistingSignatures,
            Handler = format,
            Inspection = inspection,
            Snapshot = snapshot,
        };
        return containers is not null && format is IContainerFormat && planned.WillSign
            ? await containers.ExpandAsync(planned, depth: 0, cancellationToken).ConfigureAwait(false)
            : planned;
    }

    /// <summary>
    /// The decision for a parsed file, given the policy for existing signatures and, when known,
    /// the signer's certificate (a format may refuse a key, as NuGet refuses ECDSA).
    /// </summary>
    internal static (PlannedAction Action, string? Reason) Decide(IFileFormat format, FileInspection inspection, ExistingSignatureAction policy, X509Certificate2? signer)
    {
        if (signer is not null && format.FindSignerProblem(signer) is { } keyProblem)
        {
            return (PlannedAction.Refuse, keyProblem);
        }
        if (!inspection.IsSigned)
        {
            return (PlannedAction.Sign, null);
        }
        return policy switch
        {
            ExistingSignatureAction.Replace => (PlannedAction.Replace, null),
            ExistingSignatureAction.Append when format.SupportsAppend => (PlannedAction.Append, null),
            ExistingSignatureAction.Append => (PlannedAction.Refuse, $"already signed, and {format.Name} files cannot hold nested signatures (replace the existing signatures instead)"),
            ExistingSignatureAction.Skip => (PlannedAction.Skip, "already signed"),
            _ => (PlannedAction.Refuse, "already signed (the policy for existing signatures is to fail; choose replace, append or skip)"),
        };
    }

    // The owner-write bit, not access(2): as root every file is writable, yet a file the user
    // marked read-only is not meant to be rewritten.
    private static bool IsReadOnly(string path) =>
        File.Exists(path) && (OperatingSystem.IsWindows()
            ? File.GetAttributes(path).HasFlag(FileAttributes.ReadOnly)
            : (File.GetUnixFileMode(path) & UnixFileMode.UserWrite) == 0);

    private static PlannedFile Refused(string path, string format, string reason) => new()
    {
        Path = path,
        Format = format,
        Action = PlannedAction.Refuse,
        Reason = reason,
    };
}
