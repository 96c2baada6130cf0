using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace BuildSign.Core.Cms;

/// <summary>
/// Reads a ContentInfo holding a SignedData, keeping the raw bytes of what was signed: the
/// signed attributes must be checked as encoded, not as re-encoded by a library.
/// </summary>
public static class CmsSignatureReader
{
    private static readonly Asn1Tag ContextZero = new(TagClass.ContextSpecific, 0);
    private static readonly Asn1Tag ContextOne = new(TagClass.ContextSpecific, 1);
    private static readonly Asn1Tag ConstructedContextZero = new(TagClass.ContextSpecific, 0, isConstructed: true);

    /// <summary>Parses the DER (BER tolerated) of a CMS ContentInfo; throws <see cref="CryptographicException"/> when malformed.</summary>
    public static CmsSignature Read(ReadOnlyMemory<byte> contentInfo)
    {
        try
        {
            return ReadCore(contentInfo);
        }
        catch (AsnContentException exception)
        {
            throw new CryptographicException($"malformed CMS signature: {exception.Message}", exception);
        }
    }

    private static CmsSignature ReadCore(ReadOnlyMemory<byte> contentInfo)
    {
        var outer = new AsnReader(contentInfo, AsnEncodingRules.BER).ReadSequence();
        var type = outer.ReadObjectIdentifier();
        if (type != WellKnownOids.SignedData)
        {
            throw new CryptographicException($"not a CMS SignedData (content type {type})");
        }
        var signedData = outer.ReadSequence(ConstructedContextZero).ReadSequence();
        signedData.ReadInteger();
        signedData.ReadSetOf();

        var encapsulated = signedData.ReadSequence();
        var contentType = encapsulated.ReadObjectIdentifier();
        ReadOnlyMemory<byte>? content = null;
        if (encapsulated.HasData)
        {
            var explicitContent = encapsulated.ReadSequence(ConstructedContextZero);
            var inner = explicitContent.PeekTag();
            content = inner.HasSameClassAndValue(Asn1Tag.PrimitiveOctetString)
                ? explicitContent.ReadOctetString()
                : explicitContent.ReadEncodedValue();
        }

        var certificates = new List<X509Certificate2>();
        if (signedData.HasData && signedData.PeekTag().HasSameClassAndValue(ContextZero))
        {
            var set = signedData.ReadSetOf(ContextZero);
            while (set.HasData)
            {
                var encoded = set.ReadEncodedValue();
                if (encoded.Span[0] == 0x30)
                {
                    certificates.Add(X509CertificateLoader.LoadCertificate(encoded.Span));
                }
            }
        }
        if (signedData.HasData && signedData.PeekTag().HasSameClassAndValue(ContextOne))
        {
            signedData.ReadEncodedValue(); // CRLs are not used
        }
        var signerInfos = signedData.ReadSetOf();
        if (!signerInfos.HasData)
        {
            throw new CryptographicException("the SignedData has no signer");
        }
        return ReadSignerInfo(signerInfos.ReadSequence(), contentType, content, certificates);
    }

    private static CmsSignature ReadSignerInfo(AsnReader signerInfo, string contentType, ReadOnlyMemory<byte>? content, List<X509Certificate2> certificates)
    {
        signerInfo.ReadInteger();
        ReadOnlyMemory<byte> issuer = default, serial = default;
        ReadOnlyMemory<byte>? keyIdentifier = null;
        if (signerInfo.PeekTag().HasSameClassAndValue(ContextZero))
        {
            // SignerIdentifier subjectKeyIdentifier [0] IMPLICIT OCTET STRING (NuGet's signer writes it).
            keyIdentifier = signerInfo.ReadOctetString(ContextZero);
        }
        else
        {
            var sid = signerInfo.ReadSequence();
            issuer = sid.ReadEncodedValue();
            serial = sid.ReadIntegerBytes();
        }
        var digestAlgorithm = signerInfo.ReadSequence().ReadObjectIdentifier();

        ReadOnlyMemory<byte> signedAttributesDer = ReadOnlyMemory<byte>.Empty;
        IReadOnlyList<CmsAttribute> signedAttributes = [];
        if (signerInfo.PeekTag().HasSameClassAndValue(ContextZero))
        {
            var encoded = signerInfo.ReadEncodedValue();
            // The signature covers the attributes with the SET tag in place of [0] IMPLICIT.
            var asSet = encoded.ToArray();
            asSet[0] = 0x31;
            signedAttributesDer = asSet;
            signedAttributes = ReadAttributes(new AsnReader(asSet, AsnEncodingRules.BER).ReadSetOf(skipSortOrderValidation: true));
        }
        var signatureAlgorithm = signerInfo.ReadSequence().ReadObjectIdentifier();
        var signature = signerInfo.ReadOctetString();
        IReadOnlyList<CmsAttribute> unsigned = [];
        if (signerInfo.HasData && signerInfo.PeekTag().HasSameClassAndValue(ContextOne))
        {
            unsigned = ReadAttributes(signerInfo.ReadSetOf(skipSortOrderValidation: true, ContextOne));
        }
        return new CmsSignature
        {
            ContentType = contentType,
            EncapsulatedContent = content,
            Certificates = certificates,
            DigestAlgorithmOid = digestAlgorithm,
            SignerIssuer = issuer,
            SignerSerialNumber = serial,
            SignerKeyIdentifier = keyIdentifier,
            SignedAttributesDer = signedAttributesDer,
            SignedAttributes = signedAttributes,
            SignatureAlgorithmOid = signatureAlgorithm,
            SignatureValue = signature,
            UnsignedAttributes = unsigned,
        };
    }

    private static List<CmsAttribute> ReadAttributes(AsnReader set)
    {
        var attributes = new List<CmsAttribute>();
        while (set.HasData)
        {
            var attribute = set.ReadSequence();
            var oid = attribute.ReadObjectIdentifier();
            var values = attribute.ReadSetOf(skipSortOrderValidation: true);
            var list = new List<ReadOnlyMemory<byte>>();
            while (values.HasData)
            {
                list.Add(values.ReadEncodedValue());
            }
            attributes.Add(new CmsAttribute(oid, list));
        }
        return attributes;
    }
}
