using System.Formats.Asn1;
using System.IO.Compression;
using BuildSign.Core.Cms;
using BuildSign.Core.Formats;
using BuildSign.Core.Formats.Detached;
using BuildSign.Core.Formats.NuGet;
using BuildSign.Core.Formats.Pe;
using BuildSign.Core.Keys.Software;
using BuildSign.Core.Pipeline;
using BuildSign.Core.Tests.Formats.NuGet;
using BuildSign.Core.Tests.Timestamping;
using BuildSign.Core.Timestamping;
using BuildSign.DevTools.Timestamping;
using BuildSign.Testing;
using Xunit.Abstractions;

namespace BuildSign.Core.Tests.Windows;

/// <summary>
/// What the Windows APIs say about BuildSign's signatures, asked of Wine's independent
/// implementation (WinVerifyTrust for PE files, CryptMsg for CMS) and judged against a control:
/// the same file signed with the same key by osslsigncode, openssl or dotnet nuget sign. Wine is
/// not Windows (it has no ECDSA Authenticode, and a test root is untrusted), so BuildSign must get
/// exactly the control's answer, and the control must be "valid" or "valid but untrusted root".
/// Every file is prepared first and checked in one Wine process.
/// </summary>
[Collection(NuGetCollection.Name)]
public sealed class WindowsApiTests(NuGetFixture fixture, WindowsApiFixture windows, ITestOutputHelper output) : IClassFixture<WindowsApiFixture>
{
    private Task<Verdicts> VerdictsAsync() => windows.VerdictsAsync(fixture);

    private static void AssertSameAsControl(Verdicts verdicts, string ours, string control)
    {
        var (mine, theirs) = (verdicts[ours], verdicts[control]);
        Assert.True(theirs is WindowsApiVerifier.Ok or WindowsApiVerifier.UntrustedRoot, $"the control {control} got {WindowsApiVerifier.Format(theirs)}");
        Assert.True(mine == theirs, $"{ours}: {WindowsApiVerifier.Format(mine)}, the control {control}: {WindowsApiVerifier.Format(theirs)}");
    }

    [Fact]
    public async Task WinVerifyTrust_gives_a_BuildSign_PE_signature_the_answer_it_gives_osslsigncodes() =>
        AssertSameAsControl(await VerdictsAsync(), "pe", "pe-control");

    [Fact]
    public async Task WinVerifyTrust_gives_a_timestamped_BuildSign_PE_signature_the_answer_it_gives_osslsigncodes() =>
        AssertSameAsControl(await VerdictsAsync(), "pe-timestamped", "pe-timestamped-control");

    [Fact]
    public async Task WinVerifyTrust_gives_a_PE_with_an_appended_BuildSign_signature_the_answer_it_gives_osslsigncodes_nested_one() =>
        AssertSameAsControl(await VerdictsAsync(), "pe-nested", "pe-nested-control");

    [Fact]
    public async Task CryptMsg_verifies_a_BuildSign_detached_signature_as_it_verifies_openssls() =>
        AssertSameAsControl(await VerdictsAsync(), "detached", "detached-control");

    [Fact]
    public async Task CryptMsg_verifies_a_timestamped_BuildSign_detached_signature_as_it_verifies_openssls() =>
        AssertSameAsControl(await VerdictsAsync(), "detached-timestamped", "detached-control");

    [Fact]
    public async Task CryptMsg_verifies_a_BuildSign_NuGet_signature_as_it_verifies_dotnet_nuget_signs() =>
        AssertSameAsControl(await VerdictsAsync(), "nuget", "nuget-control");

    [Fact]
    public async Task CryptMsg_verifies_a_timestamped_BuildSign_NuGet_signature_as_it_verifies_dotnet_nuget_signs() =>
        AssertSameAsControl(await VerdictsAsync(), "nuget-timestamped", "nuget-timestamped-control");

    [Fact]
    public async Task The_harness_can_fail_an_unsigned_PE_has_no_signature()
    {
        var verdicts = await VerdictsAsync();
        foreach (var (name, hresult) in verdicts.All.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"{name,-28} {WindowsApiVerifier.Format(hresult)}");
        }
        Assert.Equal(WindowsApiVerifier.Format(WindowsApiVerifier.NoSignature), WindowsApiVerifier.Format(verdicts["pe-unsigned"]));
    }

    [Fact]
    public async Task The_old_key_protection_OID_makes_WinVerifyTrust_refuse_a_PE_signature_the_control_passes()
    {
        var verdicts = await VerdictsAsync();
        Assert.True(verdicts["pe-control"] is WindowsApiVerifier.Ok or WindowsApiVerifier.UntrustedRoot);
        Assert.Equal(WindowsApiVerifier.Format(WindowsApiVerifier.CertSignature), WindowsApiVerifier.Format(verdicts["pe-old-oid"]));
    }

    [Fact]
    public async Task The_old_key_protection_OID_makes_CryptMsg_refuse_a_detached_signature_the_control_passes()
    {
        var verdicts = await VerdictsAsync();
        Assert.Equal(WindowsApiVerifier.Format(WindowsApiVerifier.Ok), WindowsApiVerifier.Format(verdicts["detached-control"]));
        Assert.Equal(WindowsApiVerifier.Format(WindowsApiVerifier.BadSignature), WindowsApiVerifier.Format(verdicts["detached-old-oid"]));
    }

    /// <summary>The files, signed by BuildSign and by the controls, and Wine's answer for each.</summary>
    public sealed class Verdicts
    {
        private readonly Dictionary<string, uint> _byName = [];

        public uint this[string name] => _byName[name];

        public IReadOnlyDictionary<string, uint> All => _byName;

        public static async Task<Verdicts> PrepareAndCheckAsync(NuGetFixture fixture, TempDirectory dir, WindowsApiVerifier verifier)
        {
            var pki = TestPki.Shared;
            await using var tsa = TestTsa.StartServer();
            using var timestamps = new TimestampClient(TestTsa.FastOptions(tsa.Url));
            var items = new Dictionary<string, string>();

            // PE (RSA: Wine has no ECDSA Authenticode).
            var unsigned = TestPeFiles.Unsigned(dir, TestPeFiles.Pe32Plus);
            items["pe-unsigned"] = WindowsApiVerifier.Pe(unsigned);
            items["pe"] = WindowsApiVerifier.Pe(await SignCopyAsync(new PeFormat(), unsigned, dir.File("pe.dll"), null));
            items["pe-control"] = WindowsApiVerifier.Pe(Osslsigncode(unsigned, dir.File("pe-control.dll")));
            items["pe-timestamped"] = WindowsApiVerifier.Pe(await SignCopyAsync(new PeFormat(), unsigned, dir.File("pe-ts.dll"), timestamps));
            items["pe-timestamped-control"] = WindowsApiVerifier.Pe(Osslsigncode(unsigned, dir.File("pe-ts-control.dll"), "-ts", tsa.Url.ToString()));
            var nested = await SignCopyAsync(new PeFormat(), unsigned, dir.File("pe-nested.dll"), timestamps);
            await SignInPlaceAsync(new PeFormat(), nested, timestamps, ExistingSignatureAction.Append);
            items["pe-nested"] = WindowsApiVerifier.Pe(nested);
            items["pe-nested-control"] = WindowsApiVerifier.Pe(Osslsigncode(Osslsigncode(unsigned, dir.File("pe-nested-control-1.dll")), dir.File("pe-nested-control.dll"), "-nest"));
            items["pe-old-oid"] = WindowsApiVerifier.Pe(await SignWithLegacyAttributeAsync(unsigned, dir.File("pe-old-oid.dll")));

            // Detached CMS.
            var data = dir.File("data.bin");
            await File.WriteAllBytesAsync(data, Enumerable.Range(0, 70_001).Select(i => (byte)(i * 31)).ToArray());
            var dataTs = dir.File("data-ts.bin");
            File.Copy(data, dataTs);
            var dataOld = dir.File("data-old.bin");
            File.Copy(data, dataOld);
            await SignInPlaceAsync(new DetachedSignatureFormat(), data, null, ExistingSignatureAction.Replace);
            await SignInPlaceAsync(new DetachedSignatureFormat(), dataTs, timestamps, ExistingSignatureAction.Replace);
            items["detached"] = WindowsApiVerifier.Detached(data + ".p7s", data);
            items["detached-timestamped"] = WindowsApiVerifier.Detached(dataTs + ".p7s", dataTs);
            var control = dir.File("data-control.p7s");
            var openssl = ExternalTool.Run("openssl", "cms", "-sign", "-binary", "-in", data, "-signer", pki.RsaLeafPem, "-inkey", pki.RsaKeyPem, "-md", "sha256", "-outform", "DER", "-out", control);
            Assert.True(openssl.ExitCode == 0, openssl.Output);
            items["detached-control"] = WindowsApiVerifier.Detached(control, data);
            items["detached-old-oid"] = WindowsApiVerifier.Detached(LegacyKeyProtectionSignature.WriteDetached(dataOld), dataOld);

            // NuGet package signatures (the .signature.p7s with the content inside).
            items["nuget"] = WindowsApiVerifier.Cms(await NuGetSignatureAsync(fixture, dir, "nuget", null));
            items["nuget-timestamped"] = WindowsApiVerifier.Cms(await NuGetSignatureAsync(fixture, dir, "nuget-ts", timestamps));
            items["nuget-control"] = WindowsApiVerifier.Cms(DotnetNuGetSignature(fixture, dir, "nuget-control"));
            items["nuget-timestamped-control"] = WindowsApiVerifier.Cms(DotnetNuGetSignature(fixture, dir, "nuget-ts-control", "--timestamper", tsa.Url.ToString()));

            var results = verifier.Check(items.Values.ToList());
            var verdicts = new Verdicts();
            foreach (var (name, item) in items)
            {
                verdicts._byName[name] = results[item];
            }
            return verdicts;
        }

        private static string Osslsigncode(string input, string output, params string[] extra)
        {
            var pki = TestPki.Shared;
            var result = ExternalTool.Run("osslsigncode", ["sign", "-certs", pki.RsaLeafPem, "-key", pki.RsaKeyPem, "-h", "sha256", .. extra, "-in", input, "-out", output]);
            Assert.True(result.ExitCode == 0, result.Output);
            return output;
        }

        private static async Task<string> SignCopyAsync(IFileFormat format, string source, string path, ISignatureTimestamper? timestamper)
        {
            File.Copy(source, path);
            await SignInPlaceAsync(format, path, timestamper, ExistingSignatureAction.Replace);
            return path;
        }

        private static async Task SignInPlaceAsync(IFileFormat format, string path, ISignatureTimestamper? timestamper, ExistingSignatureAction action)
        {
            var options = new SigningRunOptions { Paths = [path], OnExistingSignature = action, MaxParallelFiles = 1 };
            var plan = await new SigningPlanner(new FormatRegistry([format])).PlanAsync(options, CancellationToken.None);
            await using var key = SoftwareSigningKey.Load(TestPki.Shared.RsaPfx);
            var result = Assert.Single((await new SigningPipeline(key, timestamper).ExecuteAsync(plan, options, CancellationToken.None)).Files);
            Assert.True(result.Status == FileSigningStatus.Signed, result.Error);
            Assert.Equal(timestamper is not null, result.TimestampTime is not null);
        }

        // A PE signature as BuildSign made them before the OID change: the key-protection
        // statement under the old 2.25 OID (beside the new one, which alone is harmless).
        private static async Task<string> SignWithLegacyAttributeAsync(string source, string output)
        {
            var format = new PeFormat();
            var inspection = await format.InspectAsync(source, CancellationToken.None);
            var input = await format.PrepareAsync(source, inspection, new SignatureOptions(), CancellationToken.None);
            var value = new AsnWriter(AsnEncodingRules.DER);
            value.WriteCharacterString(UniversalTagNumber.UTF8String, "software");
            input = input with { SignedAttributes = [.. input.SignedAttributes, new SignedAttribute(LegacyKeyProtectionSignature.LegacyOid, value.Encode())] };
            await using var key = SoftwareSigningKey.Load(TestPki.Shared.RsaPfx);
            var signature = await CmsSigner.SignAsync(input, key, CancellationToken.None);
            await format.EmbedAsync(source, output, input, signature, ExistingSignatureAction.Replace, CancellationToken.None);
            return output;
        }

        private static async Task<string> NuGetSignatureAsync(NuGetFixture fixture, TempDirectory dir, string name, ISignatureTimestamper? timestamper)
        {
            var package = Path.Combine(Directory.CreateDirectory(dir.File(name)).FullName, Path.GetFileName(fixture.UnsignedPackage));
            File.Copy(fixture.UnsignedPackage, package);
            await SignInPlaceAsync(new NuGetPackageFormat(), package, timestamper, ExistingSignatureAction.Replace);
            return ExtractSignature(package);
        }

        private static string DotnetNuGetSignature(NuGetFixture fixture, TempDirectory dir, string name, params string[] extra)
        {
            var folder = Directory.CreateDirectory(dir.File(name)).FullName;
            var package = Path.Combine(folder, Path.GetFileName(fixture.UnsignedPackage));
            File.Copy(fixture.UnsignedPackage, package);
            var signed = Directory.CreateDirectory(Path.Combine(folder, "signed")).FullName;
            var sign = fixture.Dotnet.Run(folder, ["nuget", "sign", package, "--certificate-path", TestPki.Shared.RsaPfx, "--overwrite", "-o", signed, .. extra]);
            Assert.True(sign.ExitCode == 0, sign.Output);
            return ExtractSignature(Path.Combine(signed, Path.GetFileName(package)));
        }

        private static string ExtractSignature(string package)
        {
            var output = package + ".signature.p7s";
            using var zip = ZipFile.OpenRead(package);
            zip.GetEntry(NuGetSignatureEntry.Name)!.ExtractToFile(output);
            return output;
        }
    }
}

/// <summary>One Wine prefix and one folder of signed files for the Windows API tests, removed when they end.</summary>
public sealed class WindowsApiFixture : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TempDirectory _directory = new("buildsign-windows-api");
    private WindowsApiVerifier? _verifier;
    private WindowsApiTests.Verdicts? _verdicts;

    /// <summary>Signs every file and asks Wine about all of them, once.</summary>
    public async Task<WindowsApiTests.Verdicts> VerdictsAsync(NuGetFixture nuget)
    {
        await _gate.WaitAsync();
        try
        {
            _verifier ??= new WindowsApiVerifier();
            return _verdicts ??= await WindowsApiTests.Verdicts.PrepareAndCheckAsync(nuget, _directory, _verifier);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _verifier?.Dispose();
        _directory.Dispose();
        _gate.Dispose();
    }
}
