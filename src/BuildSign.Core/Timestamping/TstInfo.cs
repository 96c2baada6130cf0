using System.Formats.Asn1;
using System.Numerics;
using BuildSign.Core.Cms;

namespace BuildSign.Core.Timestamping;

/// <summary>
/// The TSTInfo of an RFC 3161 token (section 2.4.2), read strictly as DER: version 1, every
/// field in its place, nothing after the last. What a lenient reader would skip over is exactly
/// what a tampered token hides in.
/// </summary>
/// <param name="Policy">The TSA policy OID.</param>
/// <param name="ImprintAlgorithmOid">The message imprint's hash algorithm.</param>
/// <param name="ImprintDigest">The message imprint's hash.</param>
/// <param name="SerialNumber">The token's serial number.</param>
/// <param name="GenTime">The time the TSA states.</param>
/// <param name="Nonce">The nonce, when the request carried one.</param>
internal sealed record TstInfo(string Policy, string ImprintAlgorithmOid, byte[] ImprintDigest, BigInteger SerialNumber, DateTimeOffset GenTime, BigInteger? Nonce)
{
    private static readonly Asn1Tag Millis = new(TagClass.ContextSpecific, 0);
    private static readonly Asn1Tag Micros = new(TagClass.ContextSpecific, 1);
    private static readonly Asn1Tag Tsa = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag Extensions = new(TagClass.ContextSpecific, 1, isConstructed: true);

    /// <summary>Parses the DER of a TSTInfo; throws <see cref="AsnContentException"/> when it is not one.</summary>
    public static TstInfo Decode(ReadOnlyMemory<byte> der)
    {
        var top = new AsnReader(der, AsnEncodingRules.DER);
        var info = top.ReadSequence();
        top.ThrowIfNotEmpty();
        if (!info.TryReadInt32(out var version) || version != 1)
            throw new AsnContentException("TSTInfo version is not 1");
        var policy = info.ReadObjectIdentifier();
        var imprint = info.ReadSequence();
        var algorithm = CmsSignatureReader.ReadAlgorithmIdentifier(imprint);
        var digest = imprint.ReadOctetString();
        imprint.ThrowIfNotEmpty();
        var serial = info.ReadInteger();
        var genTime = info.ReadGeneralizedTime();
        if (info.HasData && info.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
            ReadAccuracy(info.ReadSequence());
        if (info.HasData && info.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean))
            info.ReadBoolean();
        BigInteger? nonce = null;
        if (info.HasData && info.PeekTag().HasSameClassAndValue(Asn1Tag.Integer))
            nonce = info.ReadInteger();
        if (info.HasData && info.PeekTag().HasSameClassAndValue(Tsa))
            info.ReadEncodedValue();
        if (info.HasData && info.PeekTag().HasSameClassAndValue(Extensions))
            info.ReadEncodedValue();
        info.ThrowIfNotEmpty();
        return new TstInfo(policy, algorithm, digest, serial, genTime, nonce);
    }

    private static void ReadAccuracy(AsnReader accuracy)
    {
        if (accuracy.HasData && accuracy.PeekTag().HasSameClassAndValue(Asn1Tag.Integer))
            accuracy.ReadInteger();
        if (accuracy.HasData && accuracy.PeekTag().HasSameClassAndValue(Millis))
            accuracy.ReadInteger(Millis);
        if (accuracy.HasData && accuracy.PeekTag().HasSameClassAndValue(Micros))
            accuracy.ReadInteger(Micros);
        accuracy.ThrowIfNotEmpty();
    }
}
