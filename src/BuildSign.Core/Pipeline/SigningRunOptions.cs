using System.Security.Cryptography.X509Certificates;
using BuildSign.Core.Formats;

namespace BuildSign.Core.Pipeline;

/// <summary>The choices of one signing run.</summary>
public sealed record SigningRunOptions
{
    /// <summary>Files, directories and globs to sign.</summary>
    public required IReadOnlyList<string> Paths { get; init; }

    /// <summary>Walk into directories (and, with container formats, into containers).</summary>
    public bool Recursive { get; init; }

    /// <summary>What to do with files that are already signed.</summary>
    public ExistingSignatureAction OnExistingSignature { get; init; } = ExistingSignatureAction.Replace;

    /// <summary>
    /// What to do with already-signed files inside containers. They are usually third-party files,
    /// so the default is to leave them as they are; shells pass the user's choice only when one was given.
    /// </summary>
    public ExistingSignatureAction OnExistingInnerSignature { get; init; } = ExistingSignatureAction.Skip;

    /// <summary>The signature's content choices (digest, description, URL).</summary>
    public SignatureOptions Signature { get; init; } = new();

    /// <summary>
    /// Whether planning first removes what killed runs left beside the files (temporary files, and
    /// half-replaced container pairs, which are finished or undone). Off for a dry run, which changes nothing.
    /// </summary>
    public bool RemoveLeftovers { get; init; } = true;

    /// <summary>
    /// The certificate of the key that will sign, when known at planning: formats that refuse some
    /// keys (NuGet accepts RSA ≥ 2048 only) refuse in the plan, before anything is signed.
    /// </summary>
    public X509Certificate2? SignerCertificate { get; init; }

    /// <summary>How many files are digested, embedded and verified at once.</summary>
    public int MaxParallelFiles { get; init; } = Environment.ProcessorCount;
}
