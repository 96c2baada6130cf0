using System.Security.Cryptography;
using BuildSign.Core.Cms;
using BuildSign.Core.Verification;

namespace BuildSign.Core.Formats.NuGet;

/// <summary>
/// Verifies a package's author signature: the signed content names the package hash, the hash
/// recomputed from the package matches it, and the CMS signature verifies over that content.
/// </summary>
internal static class NuGetPackageVerifier
{
    public static async ValueTask<FileVerification> VerifyAsync(string format, string path, NuGetPackageState state, VerificationOptions options, CancellationToken cancellationToken)
    {
        if (state.Signature is not { } entry)
        {
            return new FileVerification(path, format, [], "not signed");
        }
        var data = await NuGetSignatureEntryReader.ReadAsync(path, entry, cancellationToken).ConfigureAwait(false);
        CmsSignature cms;
        try
        {
            cms = CmsSignatureReader.Read(data);
        }
        catch (CryptographicException exception)
        {
            return new FileVerification(path, format, [], $"the signature entry is not a CMS signature ({exception.Message})");
        }
        if (cms.ContentType != WellKnownOids.Data || cms.EncapsulatedContent is not { } content)
        {
            return new FileVerification(path, format, [], "the signature does not hold NuGet signed content");
        }
        if (PackageSignatureContent.TryParse(content.Span, out var problem) is not { } signed)
        {
            return new FileVerification(path, format, [], problem);
        }

        var messageDigestAlgorithm = DigestAlgorithms.FromOid(cms.DigestAlgorithmOid) ?? signed.Algorithm;
        var verification = CmsSignatureVerifier.Verify(cms, messageDigestAlgorithm.Hash(content.Span), options);
        if (cms.SignedAttribute(NuGetSignedAttributes.CommitmentTypeIndication) is null)
        {
            verification = verification with { Problems = [.. verification.Problems, "the signature has no commitment-type-indication (not an author signature)"] };
        }
        if (cms.FindSigner() is { } signer && NuGetSignerKeyRule.FindProblem(signer) is { } keyProblem)
        {
            verification = verification with { Problems = [.. verification.Problems, keyProblem] };
        }

        var actual = await PackageHasher.HashFileAsync(path, state.Layout, entry, signed.Algorithm, cancellationToken).ConfigureAwait(false);
        var error = actual.AsSpan().SequenceEqual(signed.PackageHash.Span)
            ? null
            : "package hash mismatch: the package was changed after signing";
        return new FileVerification(path, format, [verification], error);
    }
}
