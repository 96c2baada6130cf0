using System.Formats.Asn1;
using System.Security.Cryptography;
using BuildSign.Core.Cms;
using BuildSign.Core.Formats.Authenticode;
using BuildSign.Core.Verification;

namespace BuildSign.Core.Formats.Pe;

/// <summary>
/// Verifies every Authenticode signature of a PE file (primary and nested): the image digest in
/// each SpcIndirectDataContent against the file, then the CMS signature over that content.
/// </summary>
internal static class PeSignatureVerifier
{
    public static async Task<FileVerification> VerifyAsync(string path, string format, VerificationOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            await using var stream = PeImage.OpenRead(path);
            var layout = PeImage.Read(stream, path);
            if (layout.CertificateTable is not { } table) return new FileVerification(path, format, [], "not signed");
            var signatures = new List<ReadOnlyMemory<byte>>();
            foreach (var entry in WinCertificate.ReadTable(stream, table, path).Where(e => e.IsPkcsSignedData))
            {
                signatures.AddRange(AuthenticodeNesting.Enumerate(entry.Data));
            }
            if (signatures.Count == 0) return new FileVerification(path, format, [], "not signed");

            var imageDigests = new Dictionary<DigestAlgorithm, byte[]>();
            var results = new List<SignatureVerification>(signatures.Count);
            foreach (var signature in signatures)
            {
                results.Add(await VerifyOneAsync(signature, stream, layout, imageDigests, path, options, cancellationToken).ConfigureAwait(false));
            }
            return new FileVerification(path, format, results);
        }
        catch (SigningException e)
        {
            return new FileVerification(path, format, [], e.Reason);
        }
        catch (AsnContentException e)
        {
            return new FileVerification(path, format, [], $"corrupt signature: {e.Message}");
        }
    }

    private static async Task<SignatureVerification> VerifyOneAsync(ReadOnlyMemory<byte> contentInfo, Stream stream, PeLayout layout, Dictionary<DigestAlgorithm, byte[]> imageDigests, string path, VerificationOptions options, CancellationToken cancellationToken)
    {
        CmsSignature cms;
        try
        {
            cms = CmsSignatureReader.Read(contentInfo);
        }
        catch (CryptographicException e)
        {
            return CmsSignatureVerifier.Verify(contentInfo, [], options) with { Problems = [e.Message] };
        }
        if (cms.ContentType != WellKnownOids.SpcIndirectData || cms.EncapsulatedContent is not { } content)
        {
            return AddProblem(CmsSignatureVerifier.Verify(cms, [], options), "not an Authenticode signature (content is not SPC_INDIRECT_DATA)");
        }

        SpcIndirectDataContent indirect;
        try
        {
            indirect = SpcIndirectDataContent.Decode(content);
        }
        catch (Exception e) when (e is AsnContentException or NotSupportedException)
        {
            return AddProblem(CmsSignatureVerifier.Verify(cms, [], options), $"cannot read the signed image digest: {e.Message}");
        }

        var signerDigest = DigestAlgorithms.FromOid(cms.DigestAlgorithmOid) ?? indirect.Digest;
        var verification = CmsSignatureVerifier.Verify(cms, SpcIndirectDataContent.ContentDigest(content.Span, signerDigest), options);
        if (!imageDigests.TryGetValue(indirect.Digest, out var imageDigest))
        {
            imageDigest = await AuthenticodeHasher.ComputeAsync(stream, layout, indirect.Digest, path, cancellationToken).ConfigureAwait(false);
            imageDigests[indirect.Digest] = imageDigest;
        }
        if (indirect.DataType != WellKnownOids.SpcPeImageData)
        {
            verification = AddProblem(verification, "the signature is not for a PE image");
        }
        if (!imageDigest.AsSpan().SequenceEqual(indirect.FileDigest.Span))
        {
            verification = AddProblem(verification, "image digest mismatch: the file was changed after signing");
        }
        return verification;
    }

    private static SignatureVerification AddProblem(SignatureVerification verification, string problem) =>
        verification with { Problems = [.. verification.Problems, problem] };
}
