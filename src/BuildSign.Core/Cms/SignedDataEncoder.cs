using BuildSign.Core.Keys;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cms;
using Org.BouncyCastle.Asn1.X509;
using Attribute = Org.BouncyCastle.Asn1.Cms.Attribute;
using ContentInfo = Org.BouncyCastle.Asn1.Cms.ContentInfo;

namespace BuildSign.Core.Cms;

/// <summary>Assembles a CMS SignedData with one SignerInfo from an already computed signature.</summary>
public static class SignedDataEncoder
{
    /// <summary>
    /// Returns the DER of a ContentInfo holding the SignedData: the digest algorithm, the
    /// encapsulated content (or none when detached), the signer certificate and intermediates,
    /// and one SignerInfo identified by issuer and serial number (or by subject key identifier when
    /// the input asks for it).
    /// </summary>
    /// <param name="input">What the format asked to sign.</param>
    /// <param name="signedAttributes">The DER SET returned by <see cref="SignedAttributesEncoder.Encode"/>.</param>
    /// <param name="signature">The key's signature over the hash of <paramref name="signedAttributes"/>.</param>
    /// <param name="key">The key that signed: certificates and algorithm.</param>
    /// <param name="unsignedAttributes">Unsigned attributes such as a timestamp token.</param>
    public static byte[] Encode(SigningInput input, byte[] signedAttributes, byte[] signature, ISigningKey key, IReadOnlyList<SignedAttribute> unsignedAttributes)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(key);

        var signer = X509CertificateStructure.GetInstance(key.Certificate.RawData);
        var digestAlgorithm = SignatureAlgorithmIdentifiers.Digest(input.Digest);
        var signerId = input.IdentifySignerByKeyIdentifier
            ? new SignerIdentifier(new Org.BouncyCastle.Asn1.X509.SubjectKeyIdentifier(SubjectKeyIdentifier.Of(key.Certificate)))
            : new SignerIdentifier(new IssuerAndSerialNumber(signer.Issuer, signer.SerialNumber));
        // BouncyCastle's SignerInfo takes version 3 for a subject key identifier, 1 otherwise (RFC 5652 5.3).
        var signerInfo = new SignerInfo(
            signerId,
            digestAlgorithm,
            Asn1Set.GetInstance(signedAttributes),
            SignatureAlgorithmIdentifiers.Signature(key.Algorithm, input.Digest),
            new DerOctetString(signature),
            unsignedAttributes.Count == 0 ? null : EncodeAttributes(unsignedAttributes));

        var certificates = new Asn1EncodableVector { signer };
        foreach (var intermediate in key.Intermediates)
        {
            certificates.Add(X509CertificateStructure.GetInstance(intermediate.RawData));
        }

        // Built field by field because PKCS#7 v1.5 and Authenticode want version 1 even for
        // SPC_INDIRECT_DATA, where RFC 5652's version rule would give 3; a signer named by subject
        // key identifier makes it 3 (RFC 5652 5.1).
        var version = !input.IdentifySignerByKeyIdentifier && (input.ContentType == WellKnownOids.Data || input.ContentType == WellKnownOids.SpcIndirectData) ? 1 : 3;
        var signedData = new DerSequence(
            DerInteger.ValueOf(version),
            new DerSet(digestAlgorithm),
            EncapsulatedContentInfo(input),
            new DerTaggedObject(false, 0, new DerSet(certificates)),
            new DerSet(signerInfo));
        return new ContentInfo(new DerObjectIdentifier(WellKnownOids.SignedData), signedData).GetEncoded(Asn1Encodable.Der);
    }

    /// <summary>Encodes unsigned attributes as a DER SET of single-valued attributes.</summary>
    internal static Asn1Set EncodeAttributes(IReadOnlyList<SignedAttribute> attributes)
    {
        var vector = new Asn1EncodableVector();
        foreach (var attribute in attributes)
        {
            vector.Add(new Attribute(new DerObjectIdentifier(attribute.Oid), new DerSet(Asn1Object.FromByteArray(attribute.Value.ToArray()))));
        }
        return new DerSet(vector);
    }

    private static ContentInfo EncapsulatedContentInfo(SigningInput input)
    {
        var type = new DerObjectIdentifier(input.ContentType);
        if (input.EncapsulatedContent is not { } content)
        {
            return new ContentInfo(type, null);
        }
        Asn1Encodable value = input.ContentType == WellKnownOids.SpcIndirectData
            ? Asn1Object.FromByteArray(content.ToArray())
            : new DerOctetString(content.ToArray());
        return new ContentInfo(type, value);
    }
}
