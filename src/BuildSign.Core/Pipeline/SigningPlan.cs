namespace BuildSign.Core.Pipeline;

/// <summary>
/// Everything a run will do, computed before anything is signed: which files, in which format,
/// whether each is signed, replaced, appended to, skipped or refused. <c>--dry-run</c> prints it.
/// </summary>
/// <param name="Files">The planned files in the order they were named.</param>
public sealed record SigningPlan(IReadOnlyList<PlannedFile> Files)
{
    /// <summary>The files that will be signed, every container round included.</summary>
    public IEnumerable<PlannedFile> ToSign => Files.Where(f => f.WillSign);

    /// <summary>The files that cannot be signed.</summary>
    public IEnumerable<PlannedFile> Refused => Files.Where(f => f.Action == PlannedAction.Refuse);
}
