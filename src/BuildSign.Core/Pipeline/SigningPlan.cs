using BuildSign.Core.Formats.Containers;
using BuildSign.Core.Pipeline.Containers;

namespace BuildSign.Core.Pipeline;

/// <summary>
/// Everything a run will do, computed before anything is signed: which files, in which format,
/// whether each is signed, replaced, appended to, skipped or refused. <c>--dry-run</c> prints it.
/// A plan of a recursive run holds the extracted inner files of containers in a private workspace:
/// <see cref="SigningPipeline.ExecuteAsync"/> deletes it when the run ends, and disposing the plan
/// (after a dry run) deletes it too.
/// </summary>
/// <param name="Files">The planned files in the order they were named; inner files are their containers' children.</param>
public sealed record SigningPlan(IReadOnlyList<PlannedFile> Files) : IDisposable
{
    /// <summary>
    /// Every file the run deals with, inner files before the containers that hold them. The inside
    /// of a container that is skipped or refused is left out: nothing in it is touched.
    /// </summary>
    public IEnumerable<PlannedFile> AllFiles => Files.SelectMany(InsideOut);

    /// <summary>The files that will be signed, every container round included.</summary>
    public IEnumerable<PlannedFile> ToSign => AllFiles.Where(f => f.WillSign);

    /// <summary>The files that cannot be signed.</summary>
    public IEnumerable<PlannedFile> Refused => Files.Where(f => f.Action == PlannedAction.Refuse);

    /// <summary>What planning did before anything was signed: interrupted container pairs it finished or undid.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Where inner files of containers were extracted.</summary>
    internal ContainerWorkspace? Workspace { get; init; }

    /// <summary>Deletes the extracted inner files.</summary>
    public void Dispose() => Workspace?.Dispose();

    private static IEnumerable<PlannedFile> InsideOut(PlannedFile file) =>
        (file.WillSign ? file.Children.SelectMany(InsideOut) : []).Append(file);
}
