namespace BuildSign.Core.Api;

/// <summary>The versioned result of a verification run (<c>buildsign verify --json</c>).</summary>
public sealed record VerifyResult
{
    /// <summary>The version of this shape.</summary>
    public int SchemaVersion { get; init; } = ResultSchema.Version;

    /// <summary>True when at least one file was verified and every file is valid.</summary>
    public bool Succeeded => Error is null && Files.Count > 0 && Files.All(f => f.Valid);

    /// <summary>A failure of the run as a whole (an unreadable trust anchor); null otherwise.</summary>
    public string? Error { get; init; }

    /// <summary>Every file, in the order found.</summary>
    public IReadOnlyList<VerifiedFile> Files { get; init; } = [];

    /// <summary>How many files are valid.</summary>
    public int Valid => Files.Count(f => f.Valid);

    /// <summary>How many files are not.</summary>
    public int Invalid => Files.Count(f => !f.Valid);
}

/// <summary>One file of a <see cref="VerifyResult"/>.</summary>
public sealed record VerifiedFile
{
    /// <summary>The file's full path.</summary>
    public required string File { get; init; }

    /// <summary>The format it was read as.</summary>
    public required string Format { get; init; }

    /// <summary>True when the file has a signature and every signature verified.</summary>
    public required bool Valid { get; init; }

    /// <summary>A problem with the file as a whole (unsigned, corrupt, digest mismatch).</summary>
    public string? Error { get; init; }

    /// <summary>Each signature, primary first.</summary>
    public IReadOnlyList<VerifiedSignature> Signatures { get; init; } = [];
}

/// <summary>One signature of a <see cref="VerifiedFile"/>.</summary>
public sealed record VerifiedSignature
{
    /// <summary>The signer certificate's subject.</summary>
    public required string Signer { get; init; }

    /// <summary>The signer certificate's SHA-256 thumbprint.</summary>
    public required string CertificateThumbprint { get; init; }

    /// <summary>sha256, sha384 or sha512.</summary>
    public required string DigestAlgorithm { get; init; }

    /// <summary>The key protection the signature states, when it states one.</summary>
    public string? KeyProtection { get; init; }

    /// <summary>The timestamp's time, when timestamped.</summary>
    public DateTimeOffset? TimestampTime { get; init; }

    /// <summary>True when no problem was found.</summary>
    public required bool Valid { get; init; }

    /// <summary>Every problem found.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];
}
