namespace BuildSign.Core.Keys;

/// <summary>
/// The identity of the run that asks for signatures — CI system, repository, pipeline, run id,
/// commit — as name/value pairs. A signing service writes it into its audit record; a local key
/// ignores it. It never holds a secret.
/// </summary>
public sealed record SigningRunContext
{
    /// <summary>A context that says nothing.</summary>
    public static SigningRunContext Empty { get; } = new();

    /// <summary>The properties, e.g. <c>ci=github</c>, <c>repository=owner/repo</c>, <c>run=1234</c>.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
