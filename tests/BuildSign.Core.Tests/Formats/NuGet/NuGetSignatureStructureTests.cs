using System.Buffers.Binary;
using System.Formats.Asn1;
using System.IO.Compression;
using BuildSign.Core.Formats;
using BuildSign.Testing;

namespace BuildSign.Core.Tests.Formats.NuGet;

/// <summary>
/// The package signature has the structure `dotnet nuget sign` writes for the same package and
/// key: SignedData version 3, signer named by subject key identifier, ESSCertIDv2 stating its
/// hash algorithm, and the signature entry's time = the signing time.
/// </summary>
[Collection(NuGetCollection.Name)]
public sealed class NuGetSignatureStructureTests(NuGetFixture fixture) : IDisposable
{
    private readonly TempDirectory _directory = new("buildsign-nupkg-structure");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task BuildSigns_package_signature_has_the_structure_dotnet_nuget_sign_writes()
    {
        var byNuGet = Copy("by-nuget");
        var signOutput = Directory.CreateDirectory(_directory.File("nuget-out")).FullName;
        var sign = fixture.Dotnet.NuGetSign(byNuGet, TestPki.Shared.RsaPfx, signOutput);
        Assert.True(sign.ExitCode == 0, sign.Output);
        var reference = Read(Path.Combine(signOutput, Path.GetFileName(byNuGet)));

        var byBuildSign = Copy("by-buildsign");
        await NuGetSigningSession.SignAsync(byBuildSign, TestPki.Shared.RsaPfx);
        var ours = Read(byBuildSign);

        Assert.Equal(3, reference.SignedDataVersion);
        Assert.Equal(reference.SignedDataVersion, ours.SignedDataVersion);
        Assert.Equal(3, reference.SignerInfoVersion);
        Assert.Equal(reference.SignerInfoVersion, ours.SignerInfoVersion);
        Assert.Equal(new Asn1Tag(TagClass.ContextSpecific, 0), reference.SignerIdentifierTag);
        Assert.Equal(reference.SignerIdentifierTag, ours.SignerIdentifierTag);
        Assert.Equal(Convert.ToHexString(reference.SignerIdentifier), Convert.ToHexString(ours.SignerIdentifier));
        Assert.Equal(DigestAlgorithm.Sha256.Oid(), reference.EssCertIdHashAlgorithm);
        Assert.Equal(reference.EssCertIdHashAlgorithm, ours.EssCertIdHashAlgorithm);
        Assert.Equal(reference.EssCertIdHashAlgorithmHasParameters, ours.EssCertIdHashAlgorithmHasParameters);
        // MS-DOS times count 2-second steps; dotnet nuget sign may round its entry time up to the next one.
        Assert.InRange((long)reference.EntryDosTime - DosTime(reference.SigningTime), 0L, 1L);
        Assert.Equal(DosTime(ours.SigningTime), ours.EntryDosTime);
        Assert.Equal(reference.SignedAttributeTypes.Order(), ours.SignedAttributeTypes.Where(o => o != WellKnownOids.KeyProtectionAttribute).Order());

        var nuget = fixture.Dotnet.NuGetVerify(byBuildSign);
        Assert.True(nuget.ExitCode == 0, nuget.Output);
    }

    [Fact]
    public async Task Verify_reads_a_signature_made_by_dotnet_nuget_sign()
    {
        var byNuGet = Copy("by-nuget");
        var signOutput = Directory.CreateDirectory(_directory.File("nuget-out")).FullName;
        var sign = fixture.Dotnet.NuGetSign(byNuGet, TestPki.Shared.RsaPfx, signOutput);
        Assert.True(sign.ExitCode == 0, sign.Output);

        var result = await NuGetSigningSession.VerifyAsync(Path.Combine(signOutput, Path.GetFileName(byNuGet)));

        Assert.True(result.IsValid, result.Error + string.Join("; ", result.Signatures.SelectMany(s => s.Problems)));
        Assert.Contains("BuildSign Test Signer RSA", Assert.Single(result.Signatures).Signer, StringComparison.Ordinal);
    }

    private string Copy(string folder)
    {
        var path = Path.Combine(Directory.CreateDirectory(_directory.File(folder)).FullName, Path.GetFileName(fixture.UnsignedPackage));
        File.Copy(fixture.UnsignedPackage, path);
        return path;
    }

    private sealed record Structure(
        int SignedDataVersion, int SignerInfoVersion, Asn1Tag SignerIdentifierTag, byte[] SignerIdentifier,
        string EssCertIdHashAlgorithm, bool EssCertIdHashAlgorithmHasParameters, DateTimeOffset SigningTime,
        uint EntryDosTime, IReadOnlyList<string> SignedAttributeTypes);

    // The MS-DOS date and time fields (date << 16 | time) of a UTC wall-clock time.
    private static uint DosTime(DateTimeOffset time)
    {
        var t = time.UtcDateTime;
        return (uint)((((t.Year - 1980) << 9) | (t.Month << 5) | t.Day) << 16) | (uint)((t.Hour << 11) | (t.Minute << 5) | (t.Second / 2));
    }

    private static ReadOnlySpan<byte> CentralHeader => [0x50, 0x4B, 0x01, 0x02];

    private static Structure Read(string package)
    {
        byte[] signature;
        uint entryTime;
        using (var zip = ZipFile.OpenRead(package))
        {
            var entry = zip.GetEntry(".signature.p7s") ?? throw new InvalidOperationException("no signature entry");
            using var stream = entry.Open();
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            signature = memory.ToArray();
        }
        // The raw DOS fields of the central directory record (ZipArchiveEntry converts them to local time).
        var bytes = File.ReadAllBytes(package);
        var name = ".signature.p7s"u8;
        var at = bytes.AsSpan().LastIndexOf(CentralHeader);
        while (!bytes.AsSpan(at + 46, name.Length).SequenceEqual(name)) at = bytes.AsSpan(0, at).LastIndexOf(CentralHeader);
        entryTime = (uint)(BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at + 14)) << 16) | BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at + 12));

        var contentInfo = new AsnReader(signature, AsnEncodingRules.BER).ReadSequence();
        contentInfo.ReadObjectIdentifier();
        var signedData = contentInfo.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadSequence();
        var signedDataVersion = (int)signedData.ReadInteger();
        signedData.ReadSetOf();
        signedData.ReadSequence();
        if (signedData.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0))) signedData.ReadEncodedValue();
        if (signedData.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 1))) signedData.ReadEncodedValue();
        var signerInfo = signedData.ReadSetOf().ReadSequence();
        var signerInfoVersion = (int)signerInfo.ReadInteger();
        var sidTag = signerInfo.PeekTag();
        var sid = signerInfo.ReadEncodedValue().ToArray();
        signerInfo.ReadSequence();
        var attributes = signerInfo.ReadSetOf(skipSortOrderValidation: true, new Asn1Tag(TagClass.ContextSpecific, 0));
        var types = new List<string>();
        string? essAlgorithm = null;
        var essParameters = false;
        DateTimeOffset signingTime = default;
        while (attributes.HasData)
        {
            var attribute = attributes.ReadSequence();
            var type = attribute.ReadObjectIdentifier();
            types.Add(type);
            var value = attribute.ReadSetOf();
            if (type == WellKnownOids.SigningCertificateV2Attribute)
            {
                var certId = value.ReadSequence().ReadSequence().ReadSequence();
                if (certId.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
                {
                    var algorithm = certId.ReadSequence();
                    essAlgorithm = algorithm.ReadObjectIdentifier();
                    essParameters = algorithm.HasData;
                }
            }
            else if (type == WellKnownOids.SigningTimeAttribute)
            {
                signingTime = value.ReadUtcTime();
            }
        }
        return new Structure(signedDataVersion, signerInfoVersion, sidTag, sid, essAlgorithm ?? "(omitted)", essParameters, signingTime, entryTime, types);
    }
}
