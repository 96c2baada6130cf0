using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace BuildSign.Core.Cms;

/// <summary>The parts of a CMS SignedData with its first SignerInfo, as read from DER.</summary>
public sealed record CmsSignature
{
    /// <summary>The encapsulated content type.</summary>
    public required string ContentType { get; init; }
    /// <summary>
    /// The encapsulated content: the octets of an OCTET STRING, or the whole DER of any other
    /// value (Authenticode's SpcIndirectDataContent); null when detached.
    /// </summary>
    public ReadOnlyMemory<byte>? EncapsulatedContent { get; init; }
    /// <summary>The certificates carried in the SignedData.</summary>
    public required IReadOnlyList<X509Certificate2> Certificates { get; init; }
    /// <summary>The digest algorithms the SignedData lists for its signers.</summary>
    public IReadOnlyList<string> DigestAlgorithmOids { get; init; } = [];
    /// <summary>The signer's digest algorithm OID.</summary>
    public required string DigestAlgorithmOid { get; init; }
    /// <summary>The signer's issuer name (DER); empty when the signer is named by key identifier.</summary>
    public required ReadOnlyMemory<byte> SignerIssuer { get; init; }
    /// <summary>The signer's serial number (big-endian, as encoded); empty when the signer is named by key identifier.</summary>
    public required ReadOnlyMemory<byte> SignerSerialNumber { get; init; }
    /// <summary>The signer's subject key identifier, when the SignerInfo names the signer so (version 3).</summary>
    public ReadOnlyMemory<byte>? SignerKeyIdentifier { get; init; }
    /// <summary>The signed attributes re-tagged as the DER SET that was signed; empty when absent.</summary>
    public required ReadOnlyMemory<byte> SignedAttributesDer { get; init; }
    /// <summary>The signed attributes.</summary>
    public required IReadOnlyList<CmsAttribute> SignedAttributes { get; init; }
    /// <summary>The signature algorithm OID.</summary>
    public required string SignatureAlgorithmOid { get; init; }
    /// <summary>The signature value (the encrypted digest).</summary>
    public required ReadOnlyMemory<byte> SignatureValue { get; init; }
    /// <summary>The unsigned attributes (timestamps, nested signatures).</summary>
    public required IReadOnlyList<CmsAttribute> UnsignedAttributes { get; init; }

    /// <summary>The value of a signed attribute, or null (the reader refuses repeated signed attributes).</summary>
    public ReadOnlyMemory<byte>? SignedAttribute(string oid) =>
        // The cast matters: a bare null would convert to an empty ReadOnlyMemory (through byte[]), never to null.
        SignedAttributes.FirstOrDefault(a => a.Oid == oid) is { Values.Count: > 0 } attribute ? attribute.Values[0] : (ReadOnlyMemory<byte>?)null;

    /// <summary>Every value of every unsigned attribute of the given type.</summary>
    public IEnumerable<ReadOnlyMemory<byte>> UnsignedValues(string oid) =>
        UnsignedAttributes.Where(a => a.Oid == oid).SelectMany(a => a.Values);

    /// <summary>The certificate named by the SignerInfo (issuer and serial number, or subject key identifier), or null.</summary>
    public X509Certificate2? FindSigner() => SignerKeyIdentifier is { } keyIdentifier
        ? Certificates.FirstOrDefault(c => SubjectKeyIdentifier.Of(c).AsSpan().SequenceEqual(keyIdentifier.Span))
        : Certificates.FirstOrDefault(c =>
            c.IssuerName.RawData.AsSpan().SequenceEqual(SignerIssuer.Span) &&
            c.SerialNumberBytes.Span.SequenceEqual(SignerSerialNumber.Span));
}
