using System.Formats.Asn1;

namespace BuildSign.Core.Formats.Authenticode;

/// <summary>
/// A CMS/PKCS#7 ContentInfo holding SignedData, split into its fields as raw encodings so that it
/// can be written back byte for byte except for the parts that change: the encapsulated content
/// (normalised to the Authenticode form) and the signers' unsigned attributes.
/// </summary>
internal sealed class SignedDataStructure
{
    private static readonly Asn1Tag Explicit0 = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag Implicit0 = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag Implicit1 = new(TagClass.ContextSpecific, 1, isConstructed: true);

    private ReadOnlyMemory<byte> version;
    private ReadOnlyMemory<byte> digestAlgorithms;
    private ReadOnlyMemory<byte>? certificates;
    private ReadOnlyMemory<byte>? crls;

    /// <summary>The eContentType.</summary>
    public required string ContentType { get; init; }

    /// <summary>The encapsulated content as a DER value (the SpcIndirectDataContent SEQUENCE), or null when detached.</summary>
    public ReadOnlyMemory<byte>? Content { get; private init; }

    /// <summary>The signers, in order.</summary>
    public List<SignerInfoStructure> Signers { get; } = [];

    /// <summary>Parses a ContentInfo.</summary>
    /// <exception cref="AsnContentException">It is not a well-formed ContentInfo with SignedData.</exception>
    public static SignedDataStructure Decode(ReadOnlyMemory<byte> contentInfo)
    {
        var outer = new AsnReader(contentInfo, AsnEncodingRules.BER);
        var info = outer.ReadSequence();
        if (outer.HasData) throw new AsnContentException("trailing data after ContentInfo");
        if (info.ReadObjectIdentifier() != WellKnownOids.SignedData) throw new AsnContentException("ContentInfo does not hold SignedData");
        var signedData = info.ReadSequence(Explicit0).ReadSequence();

        var version = signedData.ReadEncodedValue();
        var digestAlgorithms = signedData.ReadEncodedValue();
        var encapsulated = signedData.ReadSequence();
        var contentType = encapsulated.ReadObjectIdentifier();
        ReadOnlyMemory<byte>? content = null;
        if (encapsulated.HasData)
        {
            var wrapper = encapsulated.ReadSequence(Explicit0);
            var value = wrapper.ReadEncodedValue();
            // CMS wraps eContent in an OCTET STRING; Authenticode (PKCS#7 v1.5) puts the SEQUENCE there directly.
            var tag = Asn1Tag.Decode(value.Span, out _);
            if (tag.HasSameClassAndValue(Asn1Tag.PrimitiveOctetString))
            {
                value = new AsnReader(value, AsnEncodingRules.BER).ReadOctetString();
            }
            content = value;
        }
        var result = new SignedDataStructure { ContentType = contentType, Content = content, version = version, digestAlgorithms = digestAlgorithms };
        if (signedData.HasData && signedData.PeekTag().HasSameClassAndValue(Implicit0)) result.certificates = signedData.ReadEncodedValue();
        if (signedData.HasData && signedData.PeekTag().HasSameClassAndValue(Implicit1)) result.crls = signedData.ReadEncodedValue();
        var signers = signedData.ReadSetOf();
        while (signers.HasData) result.Signers.Add(SignerInfoStructure.Decode(signers.ReadSequence()));
        return result;
    }

    /// <summary>Writes the ContentInfo back, with the encapsulated content in the Authenticode form.</summary>
    public byte[] Encode()
    {
        var writer = new AsnWriter(AsnEncodingRules.BER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(WellKnownOids.SignedData);
            using (writer.PushSequence(Explicit0))
            using (writer.PushSequence())
            {
                writer.WriteEncodedValue(version.Span);
                writer.WriteEncodedValue(digestAlgorithms.Span);
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(ContentType);
                    if (Content is { } content)
                    {
                        using (writer.PushSequence(Explicit0))
                        {
                            writer.WriteEncodedValue(content.Span);
                        }
                    }
                }
                if (certificates is { } certs) writer.WriteEncodedValue(certs.Span);
                if (crls is { } revocations) writer.WriteEncodedValue(revocations.Span);
                using (writer.PushSetOf())
                {
                    foreach (var signer in Signers) signer.WriteTo(writer);
                }
            }
        }
        return writer.Encode();
    }
}
