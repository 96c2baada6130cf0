using BuildSign.Core.Timestamping;
using BuildSign.Testing;

namespace BuildSign.Core.Tests.Timestamping;

/// <summary>Tokens the client fetches from the development TSA, judged by OpenSSL.</summary>
public sealed class TimestampClientOpenSslTests
{
    [Theory]
    [InlineData(DigestAlgorithm.Sha256)]
    [InlineData(DigestAlgorithm.Sha384)]
    [InlineData(DigestAlgorithm.Sha512)]
    public async Task Token_verifies_with_openssl_for_the_signature_value_and_not_for_another(DigestAlgorithm algorithm)
    {
        await using var server = TestTsa.StartServer();
        using var client = new TimestampClient(TestTsa.FastOptions(server.Url));
        var signatureValue = System.Security.Cryptography.RandomNumberGenerator.GetBytes(384);

        var result = await client.TimestampAsync(signatureValue, algorithm, CancellationToken.None);

        Assert.Equal(TestPki.Shared.TsaLeaf.Thumbprint, result.TsaCertificate.Thumbprint);
        Assert.InRange(result.GenTime, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Equal(server.Url, result.Url);

        using var temp = new TempDirectory();
        File.WriteAllBytes(temp.File("token.der"), result.Token);
        File.WriteAllBytes(temp.File("signature.bin"), signatureValue);
        var pki = TestPki.Shared;

        var byDigest = OpenSslVerify(temp, "-digest", Convert.ToHexString(algorithm.Hash(signatureValue)));
        Assert.True(byDigest.ExitCode == 0, byDigest.Output);
        Assert.Contains("Verification: OK", byDigest.Output);

        var byData = OpenSslVerify(temp, "-data", temp.File("signature.bin"));
        Assert.True(byData.ExitCode == 0, byData.Output);

        var otherDigest = algorithm.Hash([.. signatureValue, 0]);
        var wrong = OpenSslVerify(temp, "-digest", Convert.ToHexString(otherDigest));
        Assert.NotEqual(0, wrong.ExitCode);

        ToolResult OpenSslVerify(TempDirectory dir, string subjectOption, string subject) => ExternalTool.Run("openssl",
            ["ts", "-verify", subjectOption, subject, "-in", dir.File("token.der"), "-token_in", "-CAfile", pki.RootPem, "-untrusted", pki.TsaLeafPem],
            timeout: TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Token_is_not_trusted_by_openssl_without_the_root()
    {
        await using var server = TestTsa.StartServer();
        using var client = new TimestampClient(TestTsa.FastOptions(server.Url));
        var signatureValue = new byte[] { 1, 2, 3, 4 };
        var result = await client.TimestampAsync(signatureValue, DigestAlgorithm.Sha256, CancellationToken.None);
        using var temp = new TempDirectory();
        File.WriteAllBytes(temp.File("token.der"), result.Token);

        // The TSA leaf as its own "CA": it is not self-signed, so the chain cannot be completed.
        var untrusted = ExternalTool.Run("openssl",
            ["ts", "-verify", "-digest", Convert.ToHexString(DigestAlgorithm.Sha256.Hash(signatureValue)), "-in", temp.File("token.der"), "-token_in", "-CAfile", TestPki.Shared.TsaLeafPem],
            timeout: TimeSpan.FromSeconds(30));
        Assert.NotEqual(0, untrusted.ExitCode);
    }
}
