using BuildSign.Core.Formats.Zip;

namespace BuildSign.Core.Formats.NuGet;

/// <summary>What inspecting a package found: its zip layout and its signature entry, if any.</summary>
/// <param name="Layout">The validated zip structure.</param>
/// <param name="Signature">The <c>.signature.p7s</c> entry, or null when the package is unsigned.</param>
public sealed record NuGetPackageState(ZipArchiveLayout Layout, ZipEntry? Signature);
