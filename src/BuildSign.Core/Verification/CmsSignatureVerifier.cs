using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BuildSign.Core.Certificates;
using BuildSign.Core.Keys;
using BuildSign.Core.Cms;

namespace BuildSign.Core.Verification;

/// <summary>
/// Verifies one CMS signature: the signer certificate, the messageDigest and contentType signed
/// attributes, the signature over the signed attributes, the certificate chain and the timestamp.
/// The format checks that the expected digest really is the file's.
/// </summary>
public static class CmsSignatureVerifier
{
    /// <summary>Verifies a ContentInfo's first signer against the digest the format computed.</summary>
    /// <param name="contentInfo">The DER of the ContentInfo.</param>
    /// <param name="expectedMessageDigest">What the messageDigest attribute must hold.</param>
    /// <param name="options">Trust anchors and policy.</param>
    public static SignatureVerification Verify(ReadOnlyMemory<byte> contentInfo, ReadOnlySpan<byte> expectedMessageDigest, VerificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        CmsSignature cms;
        try
        {
            cms = CmsSignatureReader.Read(contentInfo);
        }
        catch (CryptographicException exception)
        {
            return Failed(exception.Message);
        }
        return Verify(cms, expectedMessageDigest, options);
    }

    /// <summary>Verifies an already parsed signature against the digest the format computed.</summary>
    public static SignatureVerification Verify(CmsSignature cms, ReadOnlySpan<byte> expectedMessageDigest, VerificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(cms);
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        var signer = cms.FindSigner();
        if (signer is null)
        {
            return Failed("the signer certificate is not in the signature");
        }
        var digest = DigestAlgorithms.FromOid(cms.DigestAlgorithmOid);

        CheckSignedAttributes(cms, expectedMessageDigest, problems);
        if (SignerSignatureCheck.FindProblem(signer, cms) is { } signatureProblem)
        {
            problems.Add(signatureProblem);
        }

        var timestamp = SignatureTimestampVerifier.Verify(cms, options, problems);
        if (!options.IntegrityOnly)
        {
            // Only a timestamp that verified completely, its TSA chained to a timestamping anchor,
            // may vouch that the signer's certificate was valid when it signed.
            var now = options.TimeProvider.GetUtcNow().UtcDateTime;
            var checkAt = timestamp is { IsValid: true, Time: { } time } ? time.UtcDateTime : now;
            var chainProblem = CertificateChainValidator.Validate(signer, cms.Certificates, options.TrustedCertificates, CertificateChainValidator.CodeSigning, checkAt);
            if (chainProblem is not null)
            {
                problems.Add(timestamp is { IsValid: false }
                    ? $"{chainProblem} (checked at the current time, because the timestamp is not trusted)"
                    : chainProblem);
            }
        }

        var protection = ReadKeyProtection(cms);
        if (options.RefuseSoftwareKeys && protection == KeyProtection.Software)
        {
            problems.Add("signed with a software key, which the policy refuses");
        }

        return new SignatureVerification
        {
            Signer = signer.Subject,
            CertificateThumbprint = signer.GetCertHashString(HashAlgorithmName.SHA256),
            Digest = digest ?? DigestAlgorithm.Sha256,
            KeyProtection = protection,
            TimestampTime = timestamp?.Time,
            Problems = problems,
        };
    }

    private static void CheckSignedAttributes(CmsSignature cms, ReadOnlySpan<byte> expectedMessageDigest, List<string> problems)
    {
        if (cms.SignedAttributesDer.IsEmpty)
        {
            return; // reported by the signature check
        }
        if (cms.SignedAttribute(WellKnownOids.ContentTypeAttribute) is not { } contentType || DerValue.ReadSingle(contentType, r => r.ReadObjectIdentifier()) != cms.ContentType)
        {
            problems.Add("the contentType attribute does not match the content");
        }
        if (cms.SignedAttribute(WellKnownOids.MessageDigestAttribute) is not { } messageDigest ||
            DerValue.ReadSingle(messageDigest, r => r.ReadOctetString()) is not { } stated ||
            !stated.AsSpan().SequenceEqual(expectedMessageDigest))
        {
            problems.Add("digest mismatch: the content was changed after signing");
        }
    }

    private static KeyProtection? ReadKeyProtection(CmsSignature cms)
    {
        if ((cms.SignedAttribute(WellKnownOids.KeyProtectionAttribute) ?? cms.SignedAttribute(WellKnownOids.LegacyKeyProtectionAttribute)) is not { } value)
        {
            return null;
        }
        try
        {
            return KeyProtectionStatement.Parse(new AsnReader(value, AsnEncodingRules.DER).ReadCharacterString(UniversalTagNumber.UTF8String));
        }
        catch (AsnContentException)
        {
            return null;
        }
    }

    private static SignatureVerification Failed(string problem) => new()
    {
        Signer = "(unknown)",
        CertificateThumbprint = "",
        Digest = DigestAlgorithm.Sha256,
        Problems = [problem],
    };
}
