using System.Formats.Asn1;

namespace BuildSign.Core.Formats.Authenticode;

/// <summary>The SPC_PE_IMAGE_DATA attribute value of a PE signature.</summary>
public static class SpcPeImageData
{
    /// <summary>
    /// SpcPeImageData { flags: an empty BIT STRING, file [0] SpcLink { file [2] SpcString { unicode [0] "" } } }.
    /// The file link is obsolete; verifiers accept an empty string.
    /// </summary>
    public static byte[] Encode()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteBitString([]);
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 2, isConstructed: true)))
            {
                writer.WriteCharacterString(UniversalTagNumber.BMPString, "", new Asn1Tag(TagClass.ContextSpecific, 0));
            }
        }
        return writer.Encode();
    }
}
