using System.Formats.Asn1;
using System.Security.Cryptography;
using BuildSign.Core.Cms;
using BuildSign.Core.Verification;

namespace BuildSign.Core.Formats.Detached;

/// <summary>
/// A detached CMS signature of any file, written beside it as <c>FILE.p7s</c> (DER ContentInfo,
/// content type id-data, no encapsulated content), as <c>openssl cms -verify -binary -content FILE</c> checks it.
/// Applies only to files named explicitly, so directory walks do not sign every file.
/// </summary>
public sealed class DetachedSignatureFormat : IFileFormat
{
    /// <summary>The extension of the signature file written beside the signed file.</summary>
    public const string SignatureExtension = ".p7s";

    // A .p7s holds a few certificates and one signer; anything far larger is not one of ours.
    private const long MaxSignatureFileLength = 16 << 20;

    /// <inheritdoc />
    public string Name => "detached";

    /// <inheritdoc />
    public bool IsFallback => true;

    /// <inheritdoc />
    public bool Recognizes(FileHead head)
    {
        ArgumentNullException.ThrowIfNull(head);
        return head.Length > 0 && head.Extension != SignatureExtension;
    }

    /// <inheritdoc />
    public string GetSignaturePath(string path) => path + SignatureExtension;

    /// <inheritdoc />
    public ValueTask<FileInspection> InspectAsync(string path, CancellationToken cancellationToken)
    {
        if (new FileInfo(path) is not { Exists: true, Length: > 0 })
        {
            throw new SigningException(path, "empty or missing file: nothing to sign");
        }
        return ValueTask.FromResult(new FileInspection(Name, File.Exists(GetSignaturePath(path)) ? 1 : 0));
    }

    /// <inheritdoc />
    public async ValueTask<SigningInput> PrepareAsync(string path, FileInspection inspection, SignatureOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var digest = await StreamingFileDigest.ComputeAsync(path, options.Digest, cancellationToken).ConfigureAwait(false);
        return new SigningInput
        {
            ContentType = WellKnownOids.Data,
            EncapsulatedContent = null,
            MessageDigest = digest,
            Digest = options.Digest,
            FileDigest = digest,
            IncludeSigningTime = true,
            SigningTime = options.SigningTime,
            IncludeSigningCertificateV2 = true,
            TimestampAttribute = WellKnownOids.SignatureTimeStampToken,
        };
    }

    /// <inheritdoc />
    public async ValueTask EmbedAsync(string sourcePath, string outputPath, SigningInput input, SignedContent signature, ExistingSignatureAction action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signature);
        if (action == ExistingSignatureAction.Append)
        {
            throw new SigningException(sourcePath, "a detached signature holds one signer; appending is not supported");
        }
        // Replace needs nothing special: the pipeline renames the new .p7s over the old one.
        await using var stream = new FileStream(outputPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
        await stream.WriteAsync(signature.ContentInfo, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Checks the written <c>.p7s</c>, not the signed file: reading a large file a second time would
    /// double the cost of signing it, and the pipeline has just seen the file unchanged (length and
    /// last write time) since it was hashed. The signature must carry the digest that was signed.
    /// </remarks>
    public async ValueTask CheckWrittenAsync(string sourcePath, string outputPath, SigningInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        CmsSignature written;
        try
        {
            written = CmsSignatureReader.Read(await File.ReadAllBytesAsync(outputPath, cancellationToken).ConfigureAwait(false));
        }
        catch (CryptographicException e)
        {
            throw new SigningException(sourcePath, $"the written signature is malformed: {e.Message}", e);
        }
        if (written.ContentType != WellKnownOids.Data || written.EncapsulatedContent is not null)
        {
            throw new SigningException(sourcePath, "the written signature is not a detached id-data signature");
        }
        if (written.SignedAttribute(WellKnownOids.MessageDigestAttribute) is not { } messageDigest ||
            !new AsnReader(messageDigest, AsnEncodingRules.DER).ReadOctetString().AsSpan().SequenceEqual(input.FileDigest.Span))
        {
            throw new SigningException(sourcePath, "the written signature does not carry the digest that was signed");
        }
    }

    /// <inheritdoc />
    public async ValueTask<FileVerification> VerifyAsync(string path, VerificationOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var signaturePath = GetSignaturePath(path);
        var info = new FileInfo(signaturePath);
        if (Files.FileKinds.Of(signaturePath) is var kind && kind != Files.FileKind.Regular)
        {
            return new FileVerification(path, Name, [], kind == Files.FileKind.Missing
                ? $"not signed (no {Path.GetFileName(signaturePath)})"
                : $"not signed ({Path.GetFileName(signaturePath)} is {Files.FileKinds.Describe(kind)})");
        }
        if (info.Length > MaxSignatureFileLength)
        {
            return new FileVerification(path, Name, [], $"{Path.GetFileName(signaturePath)} is too large to be a signature");
        }

        CmsSignature cms;
        try
        {
            cms = CmsSignatureReader.Read(await ReadSignatureFileAsync(signaturePath, cancellationToken).ConfigureAwait(false));
        }
        catch (CryptographicException e)
        {
            return new FileVerification(path, Name, [], $"corrupt signature in {Path.GetFileName(signaturePath)}: {e.Message}");
        }
        if (cms.ContentType != WellKnownOids.Data || cms.EncapsulatedContent is not null)
        {
            return new FileVerification(path, Name, [], $"{Path.GetFileName(signaturePath)} is not a detached signature of a file");
        }

        // An unknown digest algorithm is reported by the verifier; hash with SHA-256 so it still runs.
        var algorithm = DigestAlgorithms.FromOid(cms.DigestAlgorithmOid) ?? DigestAlgorithm.Sha256;
        var digest = await StreamingFileDigest.ComputeAsync(path, algorithm, cancellationToken).ConfigureAwait(false);
        return new FileVerification(path, Name, [CmsSignatureVerifier.Verify(cms, digest, options)]);
    }

    // Opened as a regular file only: a FIFO put there after the check must not block verify.
    private static async Task<byte[]> ReadSignatureFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = Files.RegularFile.OpenRead(path, 1);
        var bytes = new byte[Math.Min(stream.Length, MaxSignatureFileLength)];
        await stream.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
        return bytes;
    }
}
