using BuildSign.Core;
using BuildSign.Core.Cms;
using BuildSign.Core.Formats;
using BuildSign.Core.Formats.Detached;
using BuildSign.Core.Formats.NuGet;
using BuildSign.Core.Formats.Pe;
using BuildSign.Core.Formats.Scripts;
using BuildSign.Core.Formats.Zip;
using BuildSign.Core.Timestamping;
using BuildSign.Core.Verification;
using BuildSign.Testing;

namespace BuildSign.Fuzz.Tests;

/// <summary>The parsers BuildSign exposes to untrusted bytes, each with its seeds.</summary>
internal static class FuzzTargets
{
    private static readonly VerificationOptions Trust = new() { TrustedCertificates = [TestPki.Shared.Root] };

    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new("pe", "input.dll", [FuzzSeeds.Shared.UnsignedPe, FuzzSeeds.Shared.SignedPe], async (path, _) =>
        {
            PeImage.Read(path);
            await new PeFormat().InspectAsync(path, CancellationToken.None);
        }),
        new("pe-verify", "input.dll", [FuzzSeeds.Shared.SignedPe, FuzzSeeds.Shared.MicrosoftPe], (path, _) => VerifyAsync(new PeFormat(), path)),
        new("zip", "input.zip", [FuzzSeeds.Shared.Zip, FuzzSeeds.Shared.SignedPackage], (path, _) =>
        {
            ZipArchiveReader.ReadFile(path);
            return Task.CompletedTask;
        }),
        new("nupkg", "input.nupkg", [FuzzSeeds.Shared.UnsignedPackage, FuzzSeeds.Shared.SignedPackage], async (path, _) =>
        {
            var format = new NuGetPackageFormat();
            await Refusable(() => format.InspectAsync(path, CancellationToken.None).AsTask());
            await VerifyAsync(format, path);
        }),
        new("script", "input.ps1", [FuzzSeeds.Shared.SignedScript], async (path, _) =>
        {
            var format = new ScriptFormat();
            await Refusable(() => format.InspectAsync(path, CancellationToken.None).AsTask());
            await VerifyAsync(format, path);
        }),
        new("cms", "input.p7s", [FuzzSeeds.Shared.DetachedSignature, FuzzSeeds.Shared.MicrosoftSignature], (_, bytes) =>
        {
            CmsSignature cms;
            try
            {
                cms = CmsSignatureReader.Read(bytes);
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                // The reader's documented refusal of bytes that are not a CMS SignedData.
                return Task.CompletedTask;
            }
            CmsSignatureVerifier.Verify(cms, DigestAlgorithm.Sha256.Hash(FuzzSeeds.Shared.DetachedContent), Trust);
            return Task.CompletedTask;
        }),
        new("detached-verify", "notes.txt", [FuzzSeeds.Shared.DetachedSignature], async (path, bytes) =>
        {
            // The signature is the fuzzed part; the content stays the real one.
            await File.WriteAllBytesAsync(path, FuzzSeeds.Shared.DetachedContent);
            await File.WriteAllBytesAsync(path + ".p7s", bytes);
            await VerifyAsync(new DetachedSignatureFormat(), path);
        }),
        new("timestamp-response", "input.tsr", [TimestampSeed.Shared.Response], (_, bytes) =>
        {
            TimestampResponseValidator.Validate(bytes, DigestAlgorithm.Sha256, TimestampSeed.Shared.Imprint, TimestampSeed.Shared.Nonce);
            return Task.CompletedTask;
        }),
    ];

    public static FuzzTarget Named(string name) => All.Single(t => t.Name == name);

    // verify must answer for every file: a result that says why it is not valid, never an exception.
    private static async Task VerifyAsync(IFileFormat format, string path)
    {
        var result = await format.VerifyAsync(path, Trust, CancellationToken.None);
        if (!result.IsValid && result.Error is null && result.Signatures.All(s => s.IsValid))
        {
            throw new InvalidOperationException("verify called a file invalid without saying why");
        }
    }

    private static async Task Refusable(Func<Task> step)
    {
        try
        {
            await step();
        }
        catch (SigningException)
        {
            // A clear refusal; the verifier is still asked below.
        }
    }
}
