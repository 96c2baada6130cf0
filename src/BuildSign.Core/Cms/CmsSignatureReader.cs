using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace BuildSign.Core.Cms;

/// <summary>
/// Reads a ContentInfo holding a SignedData, keeping the raw bytes of what was signed: the
/// signed attributes must be checked as encoded, not as re-encoded by a library. Strict: DER
/// only, every structure consumed to its end, exactly one signer, algorithm identifiers whose
/// parameters are absent or NULL. A verifier that reads loosely can be made to call a tampered
/// signature valid where Windows or OpenSSL refuse it.
/// </summary>
public static class CmsSignatureReader
{
    private static readonly Asn1Tag ContextZero = new(TagClass.ContextSpecific, 0);
    private static readonly Asn1Tag ContextOne = new(TagClass.ContextSpecific, 1);
    private static readonly Asn1Tag ConstructedContextZero = new(TagClass.ContextSpecific, 0, isConstructed: true);

    /// <summary>Parses the DER of a CMS ContentInfo; throws <see cref="CryptographicException"/> when malformed.</summary>
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
        var top = new AsnReader(contentInfo, AsnEncodingRules.DER);
        var outer = top.ReadSequence();
        top.ThrowIfNotEmpty();
        var type = outer.ReadObjectIdentifier();
        if (type != WellKnownOids.SignedData)
        {
            throw new CryptographicException($"not a CMS SignedData (content type {type})");
        }
        var explicitSignedData = outer.ReadSequence(ConstructedContextZero);
        outer.ThrowIfNotEmpty();
        var signedData = explicitSignedData.ReadSequence();
        explicitSignedData.ThrowIfNotEmpty();
        if (!signedData.TryReadInt32(out var version) || version is < 1 or > 5)
        {
            throw new CryptographicException("the SignedData version is not one CMS defines");
        }
        var digestAlgorithms = new List<string>();
        var digestSet = signedData.ReadSetOf();
        while (digestSet.HasData)
        {
            digestAlgorithms.Add(ReadAlgorithmIdentifier(digestSet));
        }

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
            explicitContent.ThrowIfNotEmpty();
        }
        encapsulated.ThrowIfNotEmpty();

        var certificates = new List<X509Certificate2>();
        if (signedData.HasData && signedData.PeekTag().HasSameClassAndValue(ContextZero))
        {
            var set = signedData.ReadSetOf(skipSortOrderValidation: true, ContextZero);
            while (set.HasData)
            {
                var encoded = set.ReadEncodedValue();
                // Only the certificate choice is used; attribute and other certificates are ignored.
                if (encoded.Span[0] == 0x30)
                {
                    certificates.Add(LoadCertificate(encoded.Span));
                }
            }
        }
        if (signedData.HasData && signedData.PeekTag().HasSameClassAndValue(ContextOne))
        {
            signedData.ReadEncodedValue(); // CRLs are not used
        }
        var signerInfos = signedData.ReadSetOf(skipSortOrderValidation: true);
        signedData.ThrowIfNotEmpty();
        if (!signerInfos.HasData)
        {
            throw new CryptographicException("the SignedData has no signer");
        }
        var signerInfo = signerInfos.ReadSequence();
        if (signerInfos.HasData)
        {
            throw new CryptographicException("the SignedData has more than one signer");
        }
        return ReadSignerInfo(signerInfo, contentType, content, certificates, digestAlgorithms);
    }

    private static CmsSignature ReadSignerInfo(AsnReader signerInfo, string contentType, ReadOnlyMemory<byte>? content, List<X509Certificate2> certificates, List<string> digestAlgorithms)
    {
        if (!signerInfo.TryReadInt32(out var version) || version is not (1 or 3))
        {
            throw new CryptographicException("the SignerInfo version is neither 1 nor 3");
        }
        ReadOnlyMemory<byte> issuer = default, serial = default;
        ReadOnlyMemory<byte>? keyIdentifier = null;
        if (signerInfo.PeekTag().HasSameClassAndValue(ContextZero))
        {
            // SignerIdentifier subjectKeyIdentifier [0] IMPLICIT OCTET STRING (NuGet's signer writes it), version 3.
            keyIdentifier = signerInfo.ReadOctetString(ContextZero);
            if (version != 3)
            {
                throw new CryptographicException("a SignerInfo naming its signer by key identifier must be version 3");
            }
        }
        else
        {
            var sid = signerInfo.ReadSequence();
            issuer = sid.ReadEncodedValue();
            serial = sid.ReadIntegerBytes();
            sid.ThrowIfNotEmpty();
            if (version != 1)
            {
                throw new CryptographicException("a SignerInfo naming its signer by issuer and serial number must be version 1");
            }
        }
        var digestAlgorithm = ReadAlgorithmIdentifier(signerInfo);

        ReadOnlyMemory<byte> signedAttributesDer = ReadOnlyMemory<byte>.Empty;
        IReadOnlyList<CmsAttribute> signedAttributes = [];
        if (signerInfo.PeekTag().HasSameClassAndValue(ContextZero))
        {
            var encoded = signerInfo.ReadEncodedValue();
            // The signature covers the attributes with the SET tag in place of [0] IMPLICIT.
            var asSet = encoded.ToArray();
            asSet[0] = 0x31;
            signedAttributesDer = asSet;
            var setReader = new AsnReader(asSet, AsnEncodingRules.DER);
            signedAttributes = ReadAttributes(setReader.ReadSetOf(skipSortOrderValidation: true));
            setReader.ThrowIfNotEmpty();
            // Which of two messageDigests did the signer mean? RFC 5652 11: one instance, one value.
            if (signedAttributes.GroupBy(a => a.Oid).FirstOrDefault(g => g.Count() > 1 || g.First().Values.Count > 1) is { } repeated)
            {
                throw new CryptographicException($"the signed attribute {repeated.Key} occurs more than once");
            }
        }
        var signatureAlgorithm = ReadAlgorithmIdentifier(signerInfo);
        var signature = signerInfo.ReadOctetString();
        IReadOnlyList<CmsAttribute> unsigned = [];
        if (signerInfo.HasData && signerInfo.PeekTag().HasSameClassAndValue(ContextOne))
        {
            unsigned = ReadAttributes(signerInfo.ReadSetOf(skipSortOrderValidation: true, ContextOne));
        }
        signerInfo.ThrowIfNotEmpty();
        return new CmsSignature
        {
            ContentType = contentType,
            EncapsulatedContent = content,
            Certificates = certificates,
            DigestAlgorithmOids = digestAlgorithms,
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

    // The platform parses certificate fields lazily: a corrupt validity or extension would throw
    // later, from wherever it is first read. Read them all now, so a corrupt certificate makes a
    // malformed signature here and nowhere else.
    private static X509Certificate2 LoadCertificate(ReadOnlySpan<byte> der)
    {
        var certificate = X509CertificateLoader.LoadCertificate(der);
        try
        {
            _ = certificate.NotBefore;
            _ = certificate.NotAfter;
            _ = certificate.Subject;
            _ = certificate.Issuer;
            _ = certificate.SerialNumberBytes;
            _ = certificate.PublicKey.Oid.Value;
            foreach (var extension in certificate.Extensions)
            {
                _ = extension switch
                {
                    X509EnhancedKeyUsageExtension usages => usages.EnhancedKeyUsages.Count,
                    X509KeyUsageExtension usage => (int)usage.KeyUsages,
                    X509BasicConstraintsExtension constraints => constraints.PathLengthConstraint,
                    X509SubjectKeyIdentifierExtension identifier => identifier.SubjectKeyIdentifier?.Length ?? 0,
                    _ => 0,
                };
            }
            return certificate;
        }
        catch (Exception e) when (e is CryptographicException or FormatException or ArgumentException)
        {
            certificate.Dispose();
            throw new CryptographicException($"a certificate in the signature is corrupt: {e.Message}", e);
        }
    }

    /// <summary>Reads an AlgorithmIdentifier whose parameters are absent or NULL (the only forms BuildSign accepts) and returns its OID.</summary>
    internal static string ReadAlgorithmIdentifier(AsnReader reader)
    {
        var identifier = reader.ReadSequence();
        var oid = identifier.ReadObjectIdentifier();
        if (identifier.HasData)
        {
            identifier.ReadNull();
        }
        identifier.ThrowIfNotEmpty();
        return oid;
    }

    private static List<CmsAttribute> ReadAttributes(AsnReader set)
    {
        var attributes = new List<CmsAttribute>();
        while (set.HasData)
        {
            var attribute = set.ReadSequence();
            var oid = attribute.ReadObjectIdentifier();
            var values = attribute.ReadSetOf(skipSortOrderValidation: true);
            attribute.ThrowIfNotEmpty();
            var list = new List<ReadOnlyMemory<byte>>();
            while (values.HasData)
            {
                list.Add(values.ReadEncodedValue());
            }
            if (list.Count == 0)
            {
                throw new CryptographicException($"attribute {oid} has no value");
            }
            attributes.Add(new CmsAttribute(oid, list));
        }
        return attributes;
    }
}
