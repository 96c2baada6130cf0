namespace BuildSign.Core.Formats.Containers;

/// <summary>
/// Names a file inside a container for people: <c>pkg.nupkg!lib/net10.0/x.dll</c>, nested as
/// <c>outer.zip!inner.nupkg!lib/x.dll</c>. These names appear in plans, results and errors.
/// </summary>
public static class ContainerPath
{
    /// <summary>The separator between a container and a path inside it.</summary>
    public const char Separator = '!';

    /// <summary>The name of <paramref name="entryName"/> inside the container named <paramref name="containerPath"/>.</summary>
    public static string Combine(string containerPath, string entryName) => $"{containerPath}{Separator}{entryName}";

    /// <summary>The part of <paramref name="innerPath"/> after its container's name.</summary>
    public static string RelativeTo(string containerPath, string innerPath) =>
        innerPath.StartsWith(containerPath + Separator, StringComparison.Ordinal) ? innerPath[(containerPath.Length + 1)..] : innerPath;
}
