using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BuildSign.Core.Cms;

namespace BuildSign.Core.Timestamping;

/// <summary>
/// Checks the CMS signature of a TimeStampToken with the platform's crypto: the messageDigest over
/// the TSTInfo, the signature over the signed attributes, and the ESS signing-certificate(-v2)
/// binding to the TSA certificate. BouncyCastle's managed RSA made this ~60 ms per token; the
/// platform's takes well under a millisecond, which matters with a thousand files per run.
/// </summary>
internal static class TimestampTokenSignature
{
    private const string SigningCertificateV1 = "1.2.840.113549.1.9.16.2.12";

    /// <summary>Returns null when the token's signature is good, else the reason.</summary>
    public static string? FindProblem(CmsSignature cms, X509Certificate2 signer)
    {
        if (cms.EncapsulatedContent is not { } tstInfo)
            return "timestamp token carries no TSTInfo";
        if (SignerSignatureCheck.FindProblem(signer, cms) is { } signatureProblem)
            return $"timestamp token: {signatureProblem}";
        if (cms.SignedAttribute(WellKnownOids.ContentTypeAttribute) is not { } contentType ||
            DerValue.ReadSingle(contentType, r => r.ReadObjectIdentifier()) != TimestampToken.TstInfoContentType)
            return "timestamp token's contentType attribute is not id-ct-TSTInfo";
        var digest = DigestAlgorithms.FromOid(cms.DigestAlgorithmOid)!.Value;
        if (cms.SignedAttribute(WellKnownOids.MessageDigestAttribute) is not { } messageDigest ||
            DerValue.ReadSingle(messageDigest, r => r.ReadOctetString()) is not { } stated ||
            !stated.AsSpan().SequenceEqual(digest.Hash(tstInfo.Span)))
            return "timestamp token's messageDigest does not match its TSTInfo";
        return CertificateBindingProblem(cms, signer);
    }

    // RFC 3161 2.4.1 requires the ESS signing-certificate attribute (v1 with SHA-1, or v2) so a
    // token cannot be re-attributed to another certificate with the same key.
    private static string? CertificateBindingProblem(CmsSignature cms, X509Certificate2 signer)
    {
        try
        {
            if (cms.SignedAttribute(WellKnownOids.SigningCertificateV2Attribute) is { } v2)
            {
                var certId = FirstCertId(v2);
                var algorithm = "2.16.840.1.101.3.4.2.1";
                if (certId.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
                    algorithm = CmsSignatureReader.ReadAlgorithmIdentifier(certId);
                var hash = certId.ReadOctetString();
                if (certId.HasData)
                    certId.ReadSequence(); // issuerSerial
                certId.ThrowIfNotEmpty();
                var expected = DigestAlgorithms.FromOid(algorithm)?.Hash(signer.RawData);
                return expected is not null && hash.AsSpan().SequenceEqual(expected) ? null : "timestamp token's signing-certificate-v2 does not name the TSA certificate";
            }
            if (cms.SignedAttribute(SigningCertificateV1) is { } v1)
            {
                var certId = FirstCertId(v1);
                var hash = certId.ReadOctetString();
                if (certId.HasData)
                    certId.ReadSequence(); // issuerSerial
                certId.ThrowIfNotEmpty();
                // The SHA-1 here only identifies a certificate (RFC 2634); it is not a signature digest.
#pragma warning disable CA5350
                return hash.AsSpan().SequenceEqual(SHA1.HashData(signer.RawData)) ? null : "timestamp token's signing-certificate does not name the TSA certificate";
#pragma warning restore CA5350
            }
        }
        catch (AsnContentException)
        {
            return "timestamp token's signing-certificate attribute is malformed";
        }
        return "timestamp token lacks the ESS signing-certificate attribute (RFC 3161 2.4.1)";
    }

    // SigningCertificate(V2) ::= SEQUENCE { certs SEQUENCE OF ESSCertID(v2), policies OPTIONAL }:
    // the first ID names the signer's certificate.
    private static AsnReader FirstCertId(ReadOnlyMemory<byte> attributeValue)
    {
        var top = new AsnReader(attributeValue, AsnEncodingRules.DER);
        var signingCertificate = top.ReadSequence();
        top.ThrowIfNotEmpty();
        var certs = signingCertificate.ReadSequence();
        if (signingCertificate.HasData)
            signingCertificate.ReadSequence(); // policies
        signingCertificate.ThrowIfNotEmpty();
        return certs.ReadSequence();
    }
}
