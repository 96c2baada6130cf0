using BuildSign.Core.Formats;
using BuildSign.Core.Keys;
using BuildSign.Core.Timestamping;

namespace BuildSign.Core.Api;

/// <summary>Everything one signing run needs: what to sign, with which key, and how.</summary>
public sealed record SignRequest
{
    /// <summary>Files, directories (with <see cref="Recursive"/>) and globs (<c>bin/**/*.dll</c>).</summary>
    public IReadOnlyList<string> Paths { get; init; } = [];

    /// <summary>The folder relative paths and globs are resolved against; null for the current directory.</summary>
    public string? BaseDirectory { get; init; }

    /// <summary>The key string: <c>pkcs11:…</c>, <c>https://…</c> or <c>file:PATH</c>.</summary>
    public required string Key { get; init; }

    /// <summary>The signer certificate (PEM chain or DER), overriding the one that comes with the key.</summary>
    public string? Certificate { get; init; }

    /// <summary>RFC 3161 timestamp servers, tried in order. Empty: signatures get no timestamp (and the result warns).</summary>
    public IReadOnlyList<Uri> TimestampUrls { get; init; } = [];

    /// <summary>At most this many timestamp requests in flight.</summary>
    public int TimestampConcurrency { get; init; } = TimestampOptions.DefaultMaxConcurrentRequests;

    /// <summary>
    /// How long the whole run may spend waiting for timestamps (from its first request); past it,
    /// files still waiting fail at once. Null: <see cref="TimestampOptions.RunTimeout"/>'s default (10 minutes).
    /// </summary>
    public TimeSpan? TimestampTimeLimit { get; init; }

    /// <summary>The file and signature digest.</summary>
    public DigestAlgorithm Digest { get; init; } = DigestAlgorithm.Sha256;

    /// <summary>What to do with files that are already signed.</summary>
    public ExistingSignatureAction OnExistingSignature { get; init; } = ExistingSignatureAction.Replace;

    /// <summary>
    /// What to do with signed files inside containers; null leaves them as they are (they are usually
    /// third-party files). Shells pass the user's choice only when one was given.
    /// </summary>
    public ExistingSignatureAction? OnExistingInnerSignature { get; init; }

    /// <summary>The program description Windows shows (Authenticode SpcSpOpusInfo).</summary>
    public string? Description { get; init; }

    /// <summary>The more-information URL Windows shows (Authenticode SpcSpOpusInfo).</summary>
    public string? Url { get; init; }

    /// <summary>Sign the files in directories, and the files inside containers before the containers.</summary>
    public bool Recursive { get; init; }

    /// <summary>Compute and return the plan; change nothing.</summary>
    public bool DryRun { get; init; }

    /// <summary>Refuse to sign with a software (file) key.</summary>
    public bool RefuseSoftwareKeys { get; init; }

    /// <summary>Fail the run before signing anything when more files than this are selected; null for no cap.</summary>
    public int? MaxFiles { get; init; }

    /// <summary>Who runs the signing and where (CI identity), for a signing service's audit trail.</summary>
    public SigningRunContext RunContext { get; init; } = SigningRunContext.Empty;

    /// <summary>How many files are digested, embedded and verified at once.</summary>
    public int MaxParallelFiles { get; init; } = Environment.ProcessorCount;
}
