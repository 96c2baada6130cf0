using BuildSign.Core.Formats;
using BuildSign.Core.Formats.NuGet;
using BuildSign.Core.Keys.Software;
using BuildSign.Core.Verification;
using BuildSign.Testing;

namespace BuildSign.Core.Tests.Formats.NuGet;

/// <summary>Signs a package the way the pipeline does: inspect, prepare, sign, embed into a temp file, check, rename.</summary>
internal static class NuGetSigningSession
{
    public static readonly NuGetPackageFormat Format = new();

    public static async Task SignAsync(string package, string pfx, ExistingSignatureAction action = ExistingSignatureAction.Replace, DigestAlgorithm digest = DigestAlgorithm.Sha256)
    {
        await using var key = SoftwareSigningKey.Load(pfx);
        var temporary = package + ".signing";
        try
        {
            await FormatSigning.SignToAsync(Format, package, temporary, key, new SignatureOptions { Digest = digest }, action);
            File.Move(temporary, package, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    public static ValueTask<FileVerification> VerifyAsync(string package) =>
        Format.VerifyAsync(package, new VerificationOptions { TrustedCertificates = [TestPki.Shared.Root], TrustedTimestampCertificates = [TestPki.Shared.Root] }, CancellationToken.None);
}
