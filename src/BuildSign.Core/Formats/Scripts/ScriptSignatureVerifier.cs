using System.Formats.Asn1;
using System.Security.Cryptography;
using BuildSign.Core.Cms;
using BuildSign.Core.Formats.Authenticode;
using BuildSign.Core.Verification;

namespace BuildSign.Core.Formats.Scripts;

/// <summary>
/// Verifies a script's signature: the script digest in the SpcIndirectDataContent against the
/// text, then the CMS signature over that content.
/// </summary>
internal static class ScriptSignatureVerifier
{
    public static async Task<FileVerification> VerifyAsync(string path, string format, ScriptCommentStyle style, VerificationOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ScriptText text;
        try
        {
            text = await ScriptText.ReadAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (SigningException e)
        {
            return new FileVerification(path, format, [], e.Reason);
        }
        var block = ScriptSignatureBlock.Find(text.Text, style);
        if (block is null)
        {
            return new FileVerification(path, format, [], "not signed");
        }
        if (block.ContentInfo is not { } contentInfo)
        {
            return new FileVerification(path, format, [], block.Problem);
        }

        CmsSignature cms;
        SpcIndirectDataContent indirect;
        try
        {
            cms = CmsSignatureReader.Read(contentInfo);
            if (cms.ContentType != WellKnownOids.SpcIndirectData || cms.EncapsulatedContent is not { } content)
            {
                return new FileVerification(path, format, [], "not an Authenticode signature (content is not SPC_INDIRECT_DATA)");
            }
            indirect = SpcIndirectDataContent.Decode(content);
        }
        catch (Exception e) when (e is CryptographicException or AsnContentException or NotSupportedException)
        {
            return new FileVerification(path, format, [], $"corrupt signature: {e.Message}");
        }

        var signerDigest = DigestAlgorithms.FromOid(cms.DigestAlgorithmOid) ?? indirect.Digest;
        var verification = CmsSignatureVerifier.Verify(cms, SpcIndirectDataContent.ContentDigest(cms.EncapsulatedContent!.Value.Span, signerDigest), options);
        var problems = verification.Problems.ToList();
        if (indirect.DataType != WellKnownOids.SpcSipInfo)
        {
            problems.Add("the signature is not for a script");
        }
        if (text.ByteCount(block.ContentLength) < ScriptText.MinimumSignableBytes)
        {
            problems.Add("the signed script is empty or shorter than 4 bytes, which Windows and osslsigncode do not accept as signed");
        }
        var scriptDigest = ScriptDigest.Compute(text.Text.AsSpan(0, block.ContentLength), indirect.Digest);
        if (!scriptDigest.AsSpan().SequenceEqual(indirect.FileDigest.Span))
        {
            problems.Add("script digest mismatch: the script was changed after signing");
        }
        return new FileVerification(path, format, [verification with { Problems = problems }]);
    }
}
