using System.Security.Cryptography.X509Certificates;
using BuildSign.Core.Verification;
using BuildSign.Core.Cms;

namespace BuildSign.Core.Formats;

/// <summary>
/// One signable file format. A format parses and digests files, says what the signer signs,
/// and embeds the finished CMS signature; everything else (keys, batching, timestamps, atomic
/// replacement) belongs to the pipeline, so a format never sees a key.
/// </summary>
public interface IFileFormat
{
    /// <summary>A short lower-case name shown in plans and results: pe, nupkg, script, detached, zip.</summary>
    string Name { get; }

    /// <summary>Decides from the file's first bytes and its name whether this format owns the file.</summary>
    bool Recognizes(FileHead head);

    /// <summary>True when the format can keep existing signatures and add a nested one.</summary>
    bool SupportsAppend => false;

    /// <summary>
    /// True when the format signs only files named explicitly (detached signatures of any file),
    /// so directory walks do not pick up every file.
    /// </summary>
    bool IsFallback => false;

    /// <summary>The file the signature is written to: the file itself, or a detached signature beside it.</summary>
    string GetSignaturePath(string path) => path;

    /// <summary>
    /// Why this format cannot carry a signature by <paramref name="signer"/>'s key (NuGet accepts
    /// RSA ≥ 2048 only), or null. Asked while planning, so a refusal shows before anything is signed.
    /// </summary>
    string? FindSignerProblem(X509Certificate2 signer) => null;

    /// <summary>
    /// Parses and validates the file and reports its existing signatures.
    /// Throws <see cref="SigningException"/> naming the file and the reason when the file is bad.
    /// </summary>
    ValueTask<FileInspection> InspectAsync(string path, CancellationToken cancellationToken);

    /// <summary>Computes what is to be signed, reading the file as a stream.</summary>
    ValueTask<SigningInput> PrepareAsync(string path, FileInspection inspection, SignatureOptions options, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the signed result to <paramref name="outputPath"/> (a temporary file beside the
    /// target, which the pipeline later renames over it). <paramref name="sourcePath"/> is never changed.
    /// </summary>
    ValueTask EmbedAsync(string sourcePath, string outputPath, SigningInput input, SignedContent signature, ExistingSignatureAction action, CancellationToken cancellationToken);

    /// <summary>
    /// Checks a freshly written output before it replaces the target: the digest recomputed from
    /// <paramref name="outputPath"/> must equal the one that was signed, and the signature must parse.
    /// Throws <see cref="SigningException"/> when it does not.
    /// </summary>
    ValueTask CheckWrittenAsync(string sourcePath, string outputPath, SigningInput input, CancellationToken cancellationToken);

    /// <summary>Verifies every signature of a file.</summary>
    ValueTask<FileVerification> VerifyAsync(string path, VerificationOptions options, CancellationToken cancellationToken);
}
