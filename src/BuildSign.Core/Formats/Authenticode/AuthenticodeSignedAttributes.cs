using System.Formats.Asn1;
using BuildSign.Core.Cms;

namespace BuildSign.Core.Formats.Authenticode;

/// <summary>The Authenticode-specific signed attributes: SpcStatementType and SpcSpOpusInfo.</summary>
public static class AuthenticodeSignedAttributes
{
    /// <summary>
    /// SpcStatementType (individual code signing) and SpcSpOpusInfo (program name from
    /// <see cref="SignatureOptions.Description"/>, more-info link from <see cref="SignatureOptions.Url"/>).
    /// SpcSpOpusInfo is there even with neither, as an empty SEQUENCE, as signtool writes it.
    /// </summary>
    public static IReadOnlyList<SignedAttribute> Create(SignatureOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return
        [
            new(WellKnownOids.SpcStatementType, StatementType()),
            new(WellKnownOids.SpcSpOpusInfo, OpusInfo(options.Description, options.Url)),
        ];
    }

    private static byte[] StatementType()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(WellKnownOids.SpcIndividualCodeSigning);
        }
        return writer.Encode();
    }

    // SpcSpOpusInfo ::= SEQUENCE { programName [0] EXPLICIT SpcString OPTIONAL, moreInfo [1] EXPLICIT SpcLink OPTIONAL }
    private static byte[] OpusInfo(string? programName, string? url)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            if (programName is not null)
            {
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
                {
                    // SpcString unicode [0] IMPLICIT BMPString
                    writer.WriteCharacterString(UniversalTagNumber.BMPString, programName, new Asn1Tag(TagClass.ContextSpecific, 0));
                }
            }
            if (url is not null)
            {
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true)))
                {
                    // SpcLink url [0] IMPLICIT IA5String
                    writer.WriteCharacterString(UniversalTagNumber.IA5String, url, new Asn1Tag(TagClass.ContextSpecific, 0));
                }
            }
        }
        return writer.Encode();
    }
}
