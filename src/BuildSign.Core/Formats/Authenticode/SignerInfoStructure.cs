using System.Formats.Asn1;

namespace BuildSign.Core.Formats.Authenticode;

/// <summary>
/// A SignerInfo split into raw fields, with its unsigned attributes decoded so that values (nested
/// signatures) can be added; everything the signature covers is kept byte for byte.
/// </summary>
internal sealed class SignerInfoStructure
{
    private static readonly Asn1Tag SignedAttributesTag = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag UnsignedAttributesTag = new(TagClass.ContextSpecific, 1, isConstructed: true);

    private readonly List<ReadOnlyMemory<byte>> fieldsBeforeUnsigned = [];

    /// <summary>The signer's digest algorithm OID.</summary>
    public required string DigestAlgorithmOid { get; init; }

    /// <summary>The unsigned attributes: type and values (raw encodings), in order.</summary>
    public List<(string Oid, List<ReadOnlyMemory<byte>> Values)> UnsignedAttributes { get; } = [];

    /// <summary>Parses a SignerInfo's contents.</summary>
    public static SignerInfoStructure Decode(AsnReader signerInfo)
    {
        var fields = new List<ReadOnlyMemory<byte>> { signerInfo.ReadEncodedValue(), signerInfo.ReadEncodedValue() };
        var digestAlgorithm = signerInfo.ReadEncodedValue();
        fields.Add(digestAlgorithm);
        var digestOid = new AsnReader(digestAlgorithm, AsnEncodingRules.BER).ReadSequence().ReadObjectIdentifier();
        if (signerInfo.PeekTag().HasSameClassAndValue(SignedAttributesTag)) fields.Add(signerInfo.ReadEncodedValue());
        fields.Add(signerInfo.ReadEncodedValue()); // signatureAlgorithm
        fields.Add(signerInfo.ReadEncodedValue()); // signature
        var result = new SignerInfoStructure { DigestAlgorithmOid = digestOid };
        result.fieldsBeforeUnsigned.AddRange(fields);
        if (signerInfo.HasData)
        {
            var attributes = signerInfo.ReadSetOf(UnsignedAttributesTag);
            while (attributes.HasData)
            {
                var attribute = attributes.ReadSequence();
                var oid = attribute.ReadObjectIdentifier();
                var values = new List<ReadOnlyMemory<byte>>();
                var set = attribute.ReadSetOf();
                while (set.HasData) values.Add(set.ReadEncodedValue());
                result.UnsignedAttributes.Add((oid, values));
            }
        }
        signerInfo.ThrowIfNotEmpty();
        return result;
    }

    /// <summary>The values of an unsigned attribute, empty when absent.</summary>
    public IEnumerable<ReadOnlyMemory<byte>> ValuesOf(string oid) =>
        UnsignedAttributes.Where(a => a.Oid == oid).SelectMany(a => a.Values);

    /// <summary>Adds a value to an unsigned attribute, creating the attribute when absent.</summary>
    public void AddUnsignedValue(string oid, ReadOnlyMemory<byte> value)
    {
        var index = UnsignedAttributes.FindIndex(a => a.Oid == oid);
        if (index < 0) UnsignedAttributes.Add((oid, [value]));
        else UnsignedAttributes[index].Values.Add(value);
    }

    /// <summary>Writes the SignerInfo.</summary>
    public void WriteTo(AsnWriter writer)
    {
        using (writer.PushSequence())
        {
            foreach (var field in fieldsBeforeUnsigned) writer.WriteEncodedValue(field.Span);
            if (UnsignedAttributes.Count == 0) return;
            // DER SET OF order (X.690 11.6), as signtool writes it: an appended nested-signature
            // attribute may sort before the timestamp attribute. Each attribute's values keep their
            // order, so nested signatures stay in the order they were appended.
            var encoded = UnsignedAttributes.Select(EncodeAttribute).ToList();
            encoded.Sort(DerSetOfOrder.Compare);
            using (writer.PushSetOf(UnsignedAttributesTag))
            {
                foreach (var attribute in encoded) writer.WriteEncodedValue(attribute);
            }
        }
    }

    private static byte[] EncodeAttribute((string Oid, List<ReadOnlyMemory<byte>> Values) attribute)
    {
        var writer = new AsnWriter(AsnEncodingRules.BER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(attribute.Oid);
            using (writer.PushSetOf())
            {
                foreach (var value in attribute.Values) writer.WriteEncodedValue(value.Span);
            }
        }
        return writer.Encode();
    }
}
