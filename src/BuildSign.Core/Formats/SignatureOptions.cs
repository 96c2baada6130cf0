namespace BuildSign.Core.Formats;

/// <summary>The choices that shape a signature's content.</summary>
public sealed record SignatureOptions
{
    /// <summary>The digest algorithm for the file digest and the signature.</summary>
    public DigestAlgorithm Digest { get; init; } = DigestAlgorithm.Sha256;

    /// <summary>A program description (Authenticode SpcSpOpusInfo program name).</summary>
    public string? Description { get; init; }

    /// <summary>A URL describing the program (Authenticode SpcSpOpusInfo more-info link).</summary>
    public string? Url { get; init; }

    /// <summary>The signing time for formats that record one; fixed by the pipeline so a run is consistent.</summary>
    public DateTimeOffset SigningTime { get; init; } = DateTimeOffset.UtcNow;
}
