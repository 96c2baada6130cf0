using System.Formats.Asn1;

namespace BuildSign.Core.Formats.Authenticode;

/// <summary>
/// Nested (appended) Authenticode signatures: each extra signature is a whole ContentInfo stored
/// as a value of the unsigned attribute 1.3.6.1.4.1.311.2.4.1 of the primary signature's signer.
/// </summary>
public static class AuthenticodeNesting
{
    // Nesting deeper than this is not something any signer produces; it bounds hostile input.
    private const int MaxDepth = 4;

    /// <summary>
    /// Returns <paramref name="primary"/> with <paramref name="nested"/> added to its nested
    /// signatures (after the existing ones), both in the Authenticode content form.
    /// </summary>
    /// <exception cref="AsnContentException">Either value is not a well-formed SignedData ContentInfo.</exception>
    public static byte[] AddNested(ReadOnlyMemory<byte> primary, ReadOnlyMemory<byte> nested)
    {
        var outer = SignedDataStructure.Decode(primary);
        if (outer.Signers.Count == 0) throw new AsnContentException("the existing signature has no signer");
        outer.Signers[0].AddUnsignedValue(WellKnownOids.NestedSignature, ToAuthenticodeForm(nested));
        return outer.Encode();
    }

    /// <summary>
    /// Rewrites a ContentInfo so that its encapsulated content is the content value itself rather
    /// than an OCTET STRING around it (the form Authenticode verifiers expect). Signed bytes do not change.
    /// </summary>
    /// <exception cref="AsnContentException">The value is not a well-formed SignedData ContentInfo.</exception>
    public static byte[] ToAuthenticodeForm(ReadOnlyMemory<byte> contentInfo) => SignedDataStructure.Decode(contentInfo).Encode();

    /// <summary>The primary signature followed by every nested one (depth first), each a ContentInfo.</summary>
    /// <exception cref="AsnContentException">A value is not a well-formed SignedData ContentInfo.</exception>
    public static IReadOnlyList<ReadOnlyMemory<byte>> Enumerate(ReadOnlyMemory<byte> primary)
    {
        var result = new List<ReadOnlyMemory<byte>>();
        Collect(primary, 0);
        return result;

        void Collect(ReadOnlyMemory<byte> contentInfo, int depth)
        {
            if (depth > MaxDepth) throw new AsnContentException("nested signatures are nested too deeply");
            result.Add(contentInfo);
            foreach (var signer in SignedDataStructure.Decode(contentInfo).Signers)
            {
                foreach (var value in signer.ValuesOf(WellKnownOids.NestedSignature)) Collect(value, depth + 1);
            }
        }
    }
}
