namespace BuildSign.Core.Api;

/// <summary>One file of a <see cref="SignResult"/>.</summary>
public sealed record FileResult
{
    /// <summary>The file's full path; an inner file is <c>container!entry/name</c>.</summary>
    public required string File { get; init; }

    /// <summary>How it came out.</summary>
    public required FileOutcome Status { get; init; }

    /// <summary>The format: pe, script, nupkg, zip, detached, or unknown.</summary>
    public required string Format { get; init; }

    /// <summary>What the plan said: sign, replace, append, skip or refuse.</summary>
    public required string Action { get; init; }

    /// <summary>Where the signature is (the file itself, or FILE.p7s).</summary>
    public string? SignatureFile { get; init; }

    /// <summary>The file digest that was signed, lower-case hex.</summary>
    public string? Digest { get; init; }

    /// <summary>The digest algorithm: sha256, sha384 or sha512.</summary>
    public string? DigestAlgorithm { get; init; }

    /// <summary>The signer certificate's SHA-256 thumbprint.</summary>
    public string? CertificateThumbprint { get; init; }

    /// <summary>The timestamp's time, when timestamped.</summary>
    public DateTimeOffset? TimestampTime { get; init; }

    /// <summary>The key protection the signature states: hardware-local, signing-service or software.</summary>
    public string? KeyProtection { get; init; }

    /// <summary>Why the file failed, was skipped or is refused; null otherwise.</summary>
    public string? Error { get; init; }

    /// <summary>What the user should know about this file's signature although it was made (a script whose text Windows may read differently).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The container round: inner files are signed in earlier rounds than their containers.</summary>
    public int Round { get; init; }

    /// <summary>How many signatures the file had before the run.</summary>
    public int ExistingSignatures { get; init; }

    /// <summary>For an unexpected failure (a defect): the full exception text, for a verbose log. Not serialized.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? Detail { get; init; }
}
