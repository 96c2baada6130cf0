using BuildSign.Core.Formats;
using BuildSign.Core.Formats.Containers;
using BuildSign.Core.Formats.Detached;
using BuildSign.Core.Formats.NuGet;
using BuildSign.Core.Formats.Pe;
using BuildSign.Core.Formats.Scripts;

namespace BuildSign.Core.Pipeline;

/// <summary>The formats every BuildSign shell (CLI, MSBuild task, action) signs with, most specific first.</summary>
public static class DefaultFormats
{
    /// <summary>A registry of every built-in format.</summary>
    public static FormatRegistry CreateRegistry() => new(Create());

    private static IEnumerable<IFileFormat> Create()
    {
        yield return new PeFormat();
        yield return new ScriptFormat();
        yield return new NuGetPackageFormat();
        yield return new ZipContainerFormat();
        yield return new DetachedSignatureFormat();
    }
}
