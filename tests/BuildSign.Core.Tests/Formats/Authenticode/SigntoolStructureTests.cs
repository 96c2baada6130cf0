using System.Formats.Asn1;
using BuildSign.Core.Cms;
using BuildSign.Core.Formats;
using BuildSign.Core.Formats.Authenticode;
using BuildSign.Core.Formats.Pe;
using BuildSign.Core.Pipeline;
using BuildSign.Core.Tests.Formats.Pe;
using BuildSign.Core.Tests.Timestamping;
using BuildSign.Core.Timestamping;
using BuildSign.Testing;

namespace BuildSign.Core.Tests.Formats.Authenticode;

/// <summary>Where signtool's output is the reference for what BuildSign writes.</summary>
public class SigntoolStructureTests
{
    [Fact]
    public void SpcSpOpusInfo_is_an_empty_SEQUENCE_without_description_or_URL()
    {
        var attributes = AuthenticodeSignedAttributes.Create(new SignatureOptions());

        var opus = Assert.Single(attributes, a => a.Oid == WellKnownOids.SpcSpOpusInfo);
        Assert.Equal("3000", Convert.ToHexString(opus.Value.Span));
    }

    [Fact]
    public void SpcSpOpusInfo_holds_the_description_and_URL_when_given()
    {
        var attributes = AuthenticodeSignedAttributes.Create(new SignatureOptions { Description = "App", Url = "https://x.example/" });

        var opus = new AsnReader(Assert.Single(attributes, a => a.Oid == WellKnownOids.SpcSpOpusInfo).Value, AsnEncodingRules.DER).ReadSequence();
        Assert.Equal(0xA0, opus.ReadEncodedValue().Span[0]);
        Assert.Equal(0xA1, opus.ReadEncodedValue().Span[0]);
        Assert.False(opus.HasData);
    }

    [Fact]
    public void The_timestamp_request_hash_AlgorithmIdentifier_has_NULL_parameters()
    {
        var request = TimestampRequest.Create([1, 2, 3], DigestAlgorithm.Sha256);

        var req = new AsnReader(request.Der, AsnEncodingRules.DER).ReadSequence();
        Assert.Equal(1, (int)req.ReadInteger());
        var imprint = req.ReadSequence();
        var algorithm = imprint.ReadSequence();
        Assert.Equal(DigestAlgorithm.Sha256.Oid(), algorithm.ReadObjectIdentifier());
        algorithm.ReadNull();
        Assert.False(algorithm.HasData);
        Assert.Equal(request.Imprint, imprint.ReadOctetString());
        Assert.Equal(request.Nonce, req.ReadInteger());
        Assert.True(req.ReadBoolean());
        Assert.False(req.HasData);
    }

    [Fact]
    public async Task After_an_append_the_primary_signers_unsigned_attributes_are_in_DER_SET_OF_order()
    {
        using var dir = new TempDirectory();
        await using var server = TestTsa.StartServer();
        using var client = new TimestampClient(TestTsa.FastOptions(server.Url));
        var twice = TestPeFiles.Unsigned(dir, TestPeFiles.Pe32Plus);
        await SignInPlaceAsync(twice, "rsa", client, ExistingSignatureAction.Replace);
        // A small nested signature (ECDSA, no timestamp) encodes shorter than the RSA timestamp
        // token, so DER order puts the nested-signature attribute first, ahead of the append order.
        await SignInPlaceAsync(twice, "ecdsa", null, ExistingSignatureAction.Append);

        var layout = PeImage.Read(twice);
        using var stream = File.OpenRead(twice);
        var contentInfo = Assert.Single(WinCertificate.ReadTable(stream, layout.CertificateTable!, twice)).Data;
        var unsigned = UnsignedAttributeEncodings(contentInfo);

        Assert.Equal(2, unsigned.Count);
        var oids = unsigned.Select(a => new AsnReader(a, AsnEncodingRules.BER).ReadSequence().ReadObjectIdentifier()).ToList();
        Assert.Equal([WellKnownOids.NestedSignature, WellKnownOids.AuthenticodeRfc3161Timestamp], oids);
        Assert.Equal(unsigned.OrderBy(a => a, Comparer<byte[]>.Create(DerSetOfOrder.Compare)).Select(Convert.ToHexString), unsigned.Select(Convert.ToHexString));
        var verify = TestPeFiles.VerifyWithOsslsigncode(twice);
        Assert.True(verify.ExitCode == 0, verify.Output);
    }

    [Theory]
    [InlineData(new byte[] { 0x30, 0x01 }, new byte[] { 0x30, 0x02 }, -1)]
    [InlineData(new byte[] { 0x30 }, new byte[] { 0x30, 0x00 }, -1)]
    [InlineData(new byte[] { 0x31 }, new byte[] { 0x30, 0xFF }, 1)]
    public void DER_SET_OF_order_compares_octets_with_zero_padding(byte[] left, byte[] right, int sign) =>
        Assert.Equal(sign, Math.Sign(DerSetOfOrder.Compare(left, right)));

    private static async Task SignInPlaceAsync(string path, string keyKind, TimestampClient? client, ExistingSignatureAction action)
    {
        var options = new SigningRunOptions { Paths = [path], OnExistingSignature = action };
        var plan = await new SigningPlanner(new FormatRegistry([new PeFormat()])).PlanAsync(options, CancellationToken.None);
        await using var key = PeSigning.Key(keyKind);
        var result = await new SigningPipeline(key, client).ExecuteAsync(plan, options, CancellationToken.None);
        var file = Assert.Single(result.Files);
        Assert.True(file.Status == FileSigningStatus.Signed, file.Error);
        Assert.Equal(client is not null, file.TimestampTime is not null);
    }

    private static List<byte[]> UnsignedAttributeEncodings(ReadOnlyMemory<byte> contentInfo)
    {
        var signedData = new AsnReader(contentInfo, AsnEncodingRules.BER).ReadSequence();
        signedData.ReadObjectIdentifier();
        var body = signedData.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadSequence();
        body.ReadInteger();
        body.ReadSetOf();
        body.ReadSequence();
        if (body.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0))) body.ReadEncodedValue();
        if (body.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 1))) body.ReadEncodedValue();
        var signer = body.ReadSetOf().ReadSequence();
        signer.ReadInteger();
        signer.ReadEncodedValue();
        signer.ReadSequence();
        signer.ReadEncodedValue(); // [0] signed attributes
        signer.ReadSequence();
        signer.ReadOctetString();
        var set = signer.ReadSetOf(skipSortOrderValidation: true, new Asn1Tag(TagClass.ContextSpecific, 1));
        var result = new List<byte[]>();
        while (set.HasData) result.Add(set.ReadEncodedValue().ToArray());
        return result;
    }
}
