namespace BuildSign.Core.Pipeline;

/// <summary>A file found from the paths of a run.</summary>
/// <param name="Path">The full path.</param>
/// <param name="NamedExplicitly">True when the user named the file itself (not a directory or glob).</param>
/// <param name="Error">Why the path cannot be used (missing, a directory without --recursive).</param>
public sealed record DiscoveredFile(string Path, bool NamedExplicitly, string? Error = null);
