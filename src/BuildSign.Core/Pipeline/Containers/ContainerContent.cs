using BuildSign.Core.Formats.Zip;
using BuildSign.Core.Formats;
using BuildSign.Core.Formats.Containers;

namespace BuildSign.Core.Pipeline.Containers;

/// <summary>What planning learnt about a container: its validated layout and its workspace folder.</summary>
/// <param name="Layout">The archive's layout, read when planning.</param>
/// <param name="Folder">The container's private folder in the <see cref="ContainerWorkspace"/>.</param>
/// <param name="Format">The container's format.</param>
internal sealed record ContainerContent(ZipArchiveLayout Layout, string Folder, IContainerFormat Format);
