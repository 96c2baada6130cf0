namespace BuildSign.Core.Formats.Pe;

/// <summary>
/// The validated structure of a PE file as far as signing needs it: where the fields excluded
/// from the Authenticode digest are, and where the sections and the certificate table lie.
/// Produced by <see cref="PeImage.Read(Stream, string)"/>; the pipeline carries it as the format's state.
/// </summary>
public sealed record PeLayout
{
    /// <summary>The file's length in bytes when it was read.</summary>
    public required long FileLength { get; init; }

    /// <summary>True for PE32+ (optional header magic 0x20B), false for PE32 (0x10B).</summary>
    public required bool IsPe32Plus { get; init; }

    /// <summary>The file offset of the optional header's 4-byte CheckSum field.</summary>
    public required long CheckSumOffset { get; init; }

    /// <summary>The file offset of the 8-byte certificate-table entry of the data directory.</summary>
    public required long CertificateEntryOffset { get; init; }

    /// <summary>The CheckSum value stored in the file.</summary>
    public required uint StoredCheckSum { get; init; }

    /// <summary>The optional header's SizeOfHeaders.</summary>
    public required long SizeOfHeaders { get; init; }

    /// <summary>The section table.</summary>
    public required IReadOnlyList<PeSection> Sections { get; init; }

    /// <summary>The certificate table, or null when the file has none (unsigned).</summary>
    public CertificateTableLocation? CertificateTable { get; init; }

    /// <summary>True when the file has a certificate table.</summary>
    public bool HasCertificateTable => CertificateTable is not null;

    /// <summary>True when the certificate table is the last thing in the file (the only place it can be rewritten safely).</summary>
    public bool CertificateTableIsAtEnd => CertificateTable is { } table && table.End == FileLength;

    /// <summary>
    /// The byte ranges (offset, length) of the file that the Authenticode image digest covers, in
    /// order. Zero padding for an unsigned file is not a range: see <see cref="DigestPaddingLength"/>.
    /// </summary>
    public IReadOnlyList<(long Offset, long Length)> DigestRanges()
    {
        var ranges = new List<(long, long)>(4);
        var imageEnd = CertificateTable?.Offset ?? FileLength;
        Add(0, CheckSumOffset);
        Add(CheckSumOffset + 4, CertificateEntryOffset);
        Add(CertificateEntryOffset + 8, imageEnd);
        if (CertificateTable is { } table)
        {
            // Data after the table is part of the image too: hashing it stops anyone from
            // smuggling bytes behind a signature.
            Add(table.End, FileLength);
        }
        return ranges;

        void Add(long from, long to)
        {
            if (to > from) ranges.Add((from, to - from));
        }
    }

    /// <summary>
    /// The zero bytes hashed after the file: an unsigned file is padded to a multiple of 8 before
    /// its table is appended, and that padding is part of the digest.
    /// </summary>
    public int DigestPaddingLength => CertificateTable is null ? PaddingTo8(FileLength) : 0;

    /// <summary>How many zero bytes bring <paramref name="length"/> to a multiple of 8.</summary>
    public static int PaddingTo8(long length) => (int)((8 - (length % 8)) % 8);
}
