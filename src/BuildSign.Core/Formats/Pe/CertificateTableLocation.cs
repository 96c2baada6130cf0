namespace BuildSign.Core.Formats.Pe;

/// <summary>Where a PE file's attribute certificate table lies (a file offset, not an RVA).</summary>
/// <param name="Offset">The table's file offset.</param>
/// <param name="Size">The table's size in bytes.</param>
public sealed record CertificateTableLocation(long Offset, long Size)
{
    /// <summary>The file offset just past the table.</summary>
    public long End => Offset + Size;
}
