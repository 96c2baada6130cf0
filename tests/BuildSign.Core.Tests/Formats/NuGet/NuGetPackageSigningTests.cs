using System.IO.Compression;
using System.Security.Cryptography;
using BuildSign.Core.Formats;
using BuildSign.Core.Formats.NuGet;
using BuildSign.Testing;
using BuildSign.Core.Cms;

namespace BuildSign.Core.Tests.Formats.NuGet;

[Collection(NuGetCollection.Name)]
public sealed class NuGetPackageSigningTests(NuGetFixture fixture) : IDisposable
{
    private readonly TempDirectory _directory = new("buildsign-nupkg");

    public void Dispose() => _directory.Dispose();

    private string CopyOfUnsigned(string name = "BuildSign.Sample.1.2.3.nupkg")
    {
        var path = _directory.File(name);
        File.Copy(fixture.UnsignedPackage, path);
        return path;
    }

    [Theory]
    [InlineData(DigestAlgorithm.Sha256)]
    [InlineData(DigestAlgorithm.Sha384)]
    [InlineData(DigestAlgorithm.Sha512)]
    public async Task SignedPackageVerifiesWithDotnetNuGetVerifyAndOurs(DigestAlgorithm digest)
    {
        var package = CopyOfUnsigned();
        await NuGetSigningSession.SignAsync(package, TestPki.Shared.RsaPfx, digest: digest);

        var nuget = fixture.Dotnet.NuGetVerify(package);
        Assert.True(nuget.ExitCode == 0, nuget.Output);
        Assert.Contains("Signature type: Author", nuget.Output, StringComparison.Ordinal);
        Assert.Contains($"Signature Hash Algorithm: {digest.DisplayName().ToUpperInvariant()}", nuget.Output, StringComparison.Ordinal);

        var ours = await NuGetSigningSession.VerifyAsync(package);
        Assert.True(ours.IsValid, ours.Error + string.Join("; ", ours.Signatures.SelectMany(s => s.Problems)));
        Assert.Single(ours.Signatures);
        Assert.Equal(digest, ours.Signatures[0].Digest);
    }

    [Fact]
    public async Task SigningKeepsEveryEntryAndAddsAStoredSignatureLast()
    {
        var package = CopyOfUnsigned();
        await NuGetSigningSession.SignAsync(package, TestPki.Shared.RsaPfx);

        using var unsigned = ZipFile.OpenRead(fixture.UnsignedPackage);
        using var signed = ZipFile.OpenRead(package);
        Assert.Equal(unsigned.Entries.Select(e => e.FullName).Append(".signature.p7s"), signed.Entries.Select(e => e.FullName));
        foreach (var entry in unsigned.Entries)
        {
            Assert.Equal(Read(entry), Read(signed.GetEntry(entry.FullName)!));
        }
        var signature = signed.GetEntry(".signature.p7s")!;
        Assert.Equal(signature.Length, signature.CompressedLength);
    }

    [Fact]
    public async Task SigningIsDeterministicApartFromTheSignature()
    {
        var first = CopyOfUnsigned("a.nupkg");
        var second = CopyOfUnsigned("b.nupkg");
        var format = NuGetSigningSession.Format;
        var inputs = new List<SigningInput>();
        foreach (var package in new[] { first, second })
        {
            inputs.Add(await format.PrepareAsync(package, await format.InspectAsync(package, default), new SignatureOptions(), default));
        }
        Assert.Equal(inputs[0].EncapsulatedContent!.Value.ToArray(), inputs[1].EncapsulatedContent!.Value.ToArray());
        Assert.Equal(SHA256.HashData(File.ReadAllBytes(fixture.UnsignedPackage)), inputs[0].FileDigest.ToArray());
    }

    [Fact]
    public async Task PackageWrittenWithDataDescriptorsSignsAndVerifies()
    {
        // Streamed zip writers put sizes after the data; NuGet and BuildSign must measure entries alike.
        var package = _directory.File("streamed.nupkg");
        using (var source = ZipFile.OpenRead(fixture.UnsignedPackage))
        using (var file = File.Create(package))
        using (var zip = new ZipArchive(new BuildSign.Core.Tests.Formats.Zip.NonSeekableStream(file), ZipArchiveMode.Create))
        {
            foreach (var entry in source.Entries)
            {
                using var from = entry.Open();
                using var to = zip.CreateEntry(entry.FullName).Open();
                from.CopyTo(to);
            }
        }
        Assert.All(BuildSign.Core.Formats.Zip.ZipArchiveReader.ReadFile(package).Entries, e => Assert.True(e.HasDataDescriptor));

        await NuGetSigningSession.SignAsync(package, TestPki.Shared.RsaPfx);
        var nuget = fixture.Dotnet.NuGetVerify(package);
        Assert.True(nuget.ExitCode == 0, nuget.Output);
        Assert.True((await NuGetSigningSession.VerifyAsync(package)).IsValid);
    }

    [Fact]
    public async Task TamperedEntryFailsBothVerifiers()
    {
        var package = CopyOfUnsigned();
        await NuGetSigningSession.SignAsync(package, TestPki.Shared.RsaPfx);
        var layout = BuildSign.Core.Formats.Zip.ZipArchiveReader.ReadFile(package);
        var nuspec = layout.Entries.Single(e => e.Name.EndsWith(".nuspec", StringComparison.Ordinal));
        using (var stream = File.Open(package, FileMode.Open))
        {
            stream.Position = nuspec.DataOffset + nuspec.CompressedSize / 2;
            var b = stream.ReadByte();
            stream.Position--;
            stream.WriteByte((byte)(b ^ 0x01));
        }

        var nuget = fixture.Dotnet.NuGetVerify(package);
        Assert.NotEqual(0, nuget.ExitCode);
        var ours = await NuGetSigningSession.VerifyAsync(package);
        Assert.False(ours.IsValid);
        Assert.Equal("package hash mismatch: the package was changed after signing", ours.Error);
    }

    [Fact]
    public async Task ReplaceResignsWithOneSignature()
    {
        var package = CopyOfUnsigned();
        await NuGetSigningSession.SignAsync(package, TestPki.Shared.RsaPfx, digest: DigestAlgorithm.Sha256);
        await NuGetSigningSession.SignAsync(package, TestPki.Shared.RsaPfx, ExistingSignatureAction.Replace, DigestAlgorithm.Sha384);

        using (var zip = ZipFile.OpenRead(package))
        {
            Assert.Single(zip.Entries, e => e.FullName == ".signature.p7s");
        }
        var nuget = fixture.Dotnet.NuGetVerify(package);
        Assert.True(nuget.ExitCode == 0, nuget.Output);
        Assert.Contains("Signature Hash Algorithm: SHA384", nuget.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("SHA256", nuget.Output.Replace("SHA256 hash:", "", StringComparison.Ordinal), StringComparison.Ordinal);
        var ours = await NuGetSigningSession.VerifyAsync(package);
        Assert.True(ours.IsValid, ours.Error);
        Assert.Equal(DigestAlgorithm.Sha384, ours.Signatures.Single().Digest);
    }

    [Fact]
    public async Task EcdsaSignatureIsRefusedBecauseNuGetRejectsIt()
    {
        var package = CopyOfUnsigned();
        var format = NuGetSigningSession.Format;
        var input = await format.PrepareAsync(package, await format.InspectAsync(package, default), new SignatureOptions(), default);
        await using var key = BuildSign.Core.Keys.Software.SoftwareSigningKey.Load(TestPki.Shared.EcdsaPfx);
        var signature = await BuildSign.Core.Cms.CmsSigner.SignAsync(input, key, default);
        var output = _directory.File("ecdsa.nupkg");
        await format.EmbedAsync(package, output, input, signature, ExistingSignatureAction.Replace, default);

        // NuGet itself refuses ECDSA author signatures: NU3014, minimum public key length.
        var nuget = fixture.Dotnet.NuGetVerify(output);
        Assert.NotEqual(0, nuget.ExitCode);
        Assert.Contains("NU3014", nuget.Output, StringComparison.Ordinal);

        var error = await Assert.ThrowsAsync<SigningException>(() => format.CheckWrittenAsync(package, output, input, default).AsTask());
        Assert.Equal("NuGet accepts only RSA signing keys of at least 2048 bits; this certificate has an ECDSA key", error.Reason);
        var ours = await NuGetSigningSession.VerifyAsync(output);
        Assert.Contains("NuGet accepts only RSA signing keys of at least 2048 bits; this certificate has an ECDSA key", ours.Signatures.Single().Problems);
    }

    [Theory]
    [InlineData(ExistingSignatureAction.Fail, "already signed (choose to replace the existing signature)")]
    [InlineData(ExistingSignatureAction.Append, "a NuGet package holds one author signature: appending is not possible (replace it instead)")]
    public async Task AlreadySignedPackageIsRefusedAndLeftAlone(ExistingSignatureAction action, string reason)
    {
        var package = CopyOfUnsigned();
        await NuGetSigningSession.SignAsync(package, TestPki.Shared.RsaPfx);
        var before = File.ReadAllBytes(package);

        var inspection = await NuGetSigningSession.Format.InspectAsync(package, default);
        Assert.Equal(1, inspection.ExistingSignatures);
        var error = await Assert.ThrowsAsync<SigningException>(() => NuGetSigningSession.SignAsync(package, TestPki.Shared.RsaPfx, action));
        Assert.Equal(reason, error.Reason);
        Assert.Equal(package, error.FilePath);
        Assert.Equal(before, File.ReadAllBytes(package));
        Assert.False(File.Exists(package + ".signing"));
    }

    [Fact]
    public async Task UnsignedPackageIsReportedUnsigned()
    {
        var package = CopyOfUnsigned();
        Assert.Equal(0, (await NuGetSigningSession.Format.InspectAsync(package, default)).ExistingSignatures);
        var ours = await NuGetSigningSession.VerifyAsync(package);
        Assert.False(ours.IsValid);
        Assert.Equal("not signed", ours.Error);
    }

    [Theory]
    [InlineData("signing-time", "error: NU3011: The primary signature is invalid.")]
    [InlineData("signing-certificate-v2", "error: NU3011: Exactly one signing-certificate-v2 attribute is required.")]
    [InlineData("commitment-type", "Signature type: Author")]
    // Without commitment-type-indication NuGet still verifies the signature, but not as an author signature.
    public async Task NuGetNeedsTheAttributesWeAdd(string left, string nugetSays)
    {
        var package = CopyOfUnsigned();
        var format = NuGetSigningSession.Format;
        var input = await format.PrepareAsync(package, await format.InspectAsync(package, default), new SignatureOptions(), default);
        input = left switch
        {
            "signing-time" => input with { IncludeSigningTime = false },
            "commitment-type" => input with { SignedAttributes = [] },
            _ => input with { IncludeSigningCertificateV2 = false },
        };
        await using var key = BuildSign.Core.Keys.Software.SoftwareSigningKey.Load(TestPki.Shared.RsaPfx);
        var signature = await BuildSign.Core.Cms.CmsSigner.SignAsync(input, key, default);
        var output = _directory.File("partial.nupkg");
        await format.EmbedAsync(package, output, input, signature, ExistingSignatureAction.Replace, default);

        var nuget = fixture.Dotnet.NuGetVerify(output);
        if (left == "commitment-type")
        {
            Assert.True(nuget.ExitCode == 0, nuget.Output);
            Assert.DoesNotContain(nugetSays, nuget.Output, StringComparison.Ordinal);
            return;
        }
        Assert.True(nuget.ExitCode != 0, nuget.Output);
        Assert.Contains(nugetSays, nuget.Output, StringComparison.Ordinal);
    }

    private static byte[] Read(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
