using BuildSign.Core.Formats;
using BuildSign.Core.Formats.Pe;
using BuildSign.Core.Keys.Software;
using BuildSign.Core.Verification;
using BuildSign.Testing;

namespace BuildSign.Core.Tests.Formats.Pe;

/// <summary>Signs a PE file the way the pipeline does, with a software key from the test PKI.</summary>
internal static class PeSigning
{
    public static readonly PeFormat Format = new();

    public static VerificationOptions TrustTestRoot => new() { TrustedCertificates = [TestPki.Shared.Root], TrustedTimestampCertificates = [TestPki.Shared.Root] };

    public static SoftwareSigningKey Key(string kind) =>
        SoftwareSigningKey.Load(kind == "rsa" ? TestPki.Shared.RsaPfx : TestPki.Shared.EcdsaPfx);

    public static async Task<string> SignAsync(string source, string output, string keyKind, DigestAlgorithm digest, ExistingSignatureAction action = ExistingSignatureAction.Replace, SignatureOptions? options = null)
    {
        await using var key = Key(keyKind);
        await FormatSigning.SignToAsync(Format, source, output, key, (options ?? new SignatureOptions()) with { Digest = digest }, action);
        return output;
    }
}
