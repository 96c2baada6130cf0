using System.Formats.Asn1;
using BuildSign.Core.Cms;

namespace BuildSign.Core.Formats.NuGet;

/// <summary>The signed attributes NuGet expects on an author signature, beyond those the CMS encoder adds.</summary>
public static class NuGetSignedAttributes
{
    /// <summary>id-aa-ets-commitmentType (RFC 5126).</summary>
    public const string CommitmentTypeIndication = "1.2.840.113549.1.9.16.2.16";

    /// <summary>id-cti-ets-proofOfOrigin: the commitment type that marks an author signature.</summary>
    public const string ProofOfOrigin = "1.2.840.113549.1.9.16.6.1";

    /// <summary>commitment-type-indication = SEQUENCE { proofOfOrigin } (no qualifiers).</summary>
    public static SignedAttribute AuthorCommitment()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(ProofOfOrigin);
        }
        return new SignedAttribute(CommitmentTypeIndication, writer.Encode());
    }
}
