using BuildSign.Core.Formats;

namespace BuildSign.Core.Pipeline;

/// <summary>The formats every BuildSign shell (CLI, MSBuild task, action) signs with, most specific first.</summary>
public static class DefaultFormats
{
    /// <summary>A registry of every built-in format.</summary>
    public static FormatRegistry CreateRegistry() => new(Create());

    private static IEnumerable<IFileFormat> Create()
    {
        yield break;
    }
}
