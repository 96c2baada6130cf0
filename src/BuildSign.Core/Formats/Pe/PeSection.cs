namespace BuildSign.Core.Formats.Pe;

/// <summary>One entry of a PE section table: where the section's raw data lies in the file.</summary>
/// <param name="Name">The section name (up to 8 ASCII characters, e.g. .text).</param>
/// <param name="PointerToRawData">The file offset of the section's data.</param>
/// <param name="SizeOfRawData">The size of the section's data in the file.</param>
public sealed record PeSection(string Name, long PointerToRawData, long SizeOfRawData)
{
    /// <summary>The file offset just past the section's data.</summary>
    public long RawDataEnd => PointerToRawData + SizeOfRawData;
}
