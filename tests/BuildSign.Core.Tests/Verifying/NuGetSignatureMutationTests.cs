using System.Buffers.Binary;
using System.Text;
using BuildSign.Core.Formats.NuGet;
using BuildSign.Core.Tests.Formats.NuGet;
using BuildSign.Core.Tests.Timestamping;
using BuildSign.Testing;

namespace BuildSign.Core.Tests.Verifying;

/// <summary>
/// Seeded byte mutations inside a package's <c>.signature.p7s</c>: verify answers every mutant,
/// and what it calls valid, <c>dotnet nuget verify</c> accepts too.
/// </summary>
[Collection(NuGetCollection.Name)]
public sealed class NuGetSignatureMutationTests(NuGetFixture fixture) : IDisposable
{
    private readonly TempDirectory _dir = new("buildsign-nupkg");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Mutated_package_signatures_never_crash_verify_and_never_pass_where_nuget_refuses()
    {
        await using var tsa = TestTsa.StartServer();
        var package = _dir.File("BuildSign.Sample.1.2.3.nupkg");
        File.Copy(fixture.UnsignedPackage, package);
        await TimestampedSigning.SignAsync(new NuGetPackageFormat(), package, tsa.Url);
        var (start, end) = SignatureEntryData(await File.ReadAllBytesAsync(package));

        var findings = await SignatureMutation.RunAsync(new NuGetPackageFormat(), package, _dir.File("mutant.nupkg"), start, end, 120, seed: 7512, fixture.Dotnet.NuGetVerify);

        Assert.Empty(findings);
    }

    // The stored .signature.p7s entry's data: after its local header (30 bytes, the name, the extra field).
    private static (long Start, long End) SignatureEntryData(byte[] zip)
    {
        var name = Encoding.ASCII.GetBytes(NuGetSignatureEntry.Name);
        var at = zip.AsSpan().IndexOf(name);
        var header = at - 30;
        Assert.Equal(0x04034b50u, BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(header)));
        var size = BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(header + 18));
        var extra = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(header + 28));
        var start = at + name.Length + extra;
        return (start, start + size);
    }
}
