using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BuildSign.Core.Keys;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Attribute = Org.BouncyCastle.Asn1.Cms.Attribute;

namespace BuildSign.Core.Cms;

/// <summary>
/// Encodes the signed attributes of a SignerInfo as the DER SET the key signs (RFC 5652 5.4:
/// the signature covers the SET OF encoding, not the [0] IMPLICIT one stored in the SignerInfo).
/// </summary>
public static class SignedAttributesEncoder
{
    /// <summary>
    /// contentType, messageDigest, [signingTime], [ESS signing-certificate-v2], BuildSign's key
    /// protection statement, then the format's own attributes; DER-sorted as a SET OF requires.
    /// </summary>
    public static byte[] Encode(SigningInput input, X509Certificate2 signer, KeyProtection protection)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(signer);

        var attributes = new Asn1EncodableVector
        {
            Single(WellKnownOids.ContentTypeAttribute, new DerObjectIdentifier(input.ContentType)),
            Single(WellKnownOids.MessageDigestAttribute, new DerOctetString(input.MessageDigest.ToArray())),
        };
        if (input.IncludeSigningTime)
        {
            attributes.Add(Single(WellKnownOids.SigningTimeAttribute, new Time(input.SigningTime.UtcDateTime)));
        }
        if (input.IncludeSigningCertificateV2)
        {
            attributes.Add(Single(WellKnownOids.SigningCertificateV2Attribute, SigningCertificateV2For(signer)));
        }
        attributes.Add(Single(WellKnownOids.KeyProtectionAttribute, new DerUtf8String(protection.ToText())));
        foreach (var attribute in input.SignedAttributes)
        {
            attributes.Add(Single(attribute.Oid, Asn1Object.FromByteArray(attribute.Value.ToArray())));
        }
        return new DerSet(attributes).GetEncoded(Asn1Encodable.Der);
    }

    private static Attribute Single(string oid, Asn1Encodable value) =>
        new(new DerObjectIdentifier(oid), new DerSet(value));

    // ESS signing-certificate-v2 binds the signature to the signer certificate (RFC 5035). The
    // hash AlgorithmIdentifier (SHA-256, no parameters) is written although it is the DEFAULT,
    // because NuGet's own signer writes it so; BouncyCastle's EssCertIDv2 would drop it.
    private static DerSequence SigningCertificateV2For(X509Certificate2 signer)
    {
        var structure = X509CertificateStructure.GetInstance(signer.RawData);
        var issuerSerial = new IssuerSerial(new GeneralNames(new GeneralName(structure.Issuer)), structure.SerialNumber);
        var certId = new DerSequence(
            new DerSequence(new DerObjectIdentifier(DigestAlgorithm.Sha256.Oid())),
            new DerOctetString(SHA256.HashData(signer.RawData)),
            issuerSerial);
        return new DerSequence(new DerSequence(certId));
    }
}
