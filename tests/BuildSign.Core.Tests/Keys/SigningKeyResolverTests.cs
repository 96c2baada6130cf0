using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BuildSign.Core.Keys;
using BuildSign.Testing;

namespace BuildSign.Core.Tests.Keys;

[Collection(SoftHsmCollection.Name)]
public sealed class SigningKeyResolverTests
{
    [Fact]
    public async Task Pkcs11_key_string_opens_a_hardware_key()
    {
        await using var key = await SigningKeyResolver.OpenAsync(SoftHsmToken.Shared.EcdsaKeyString, null, CancellationToken.None);

        Assert.Equal(KeyProtection.HardwareLocal, key.Protection);
        Assert.Equal("PKCS#11 key 'ecdsa' in token 'buildsign-test'", key.DisplayName);
        var digest = SHA256.HashData("x"u8);
        var signature = (await key.SignDigestsAsync([new DigestSignRequest(DigestAlgorithm.Sha256, digest, "x")], CancellationToken.None))[0];
        Assert.True(TestPki.Shared.EcdsaLeaf.GetECDsaPublicKey()!.VerifyHash(digest, signature, DSASignatureFormat.Rfc3279DerSequence));
    }

    [Fact]
    public async Task File_key_string_opens_a_software_key()
    {
        await using var key = await SigningKeyResolver.OpenAsync($"file:{TestPki.Shared.RsaPfx}", null, CancellationToken.None);

        Assert.Equal(KeyProtection.Software, key.Protection);
        Assert.Equal(TestPki.Shared.RsaLeaf.Thumbprint, key.Certificate.Thumbprint);
    }

    [Theory]
    [InlineData("https://signing.example/keys/abc", "remote signing service keys are not available yet")]
    [InlineData("http://signing.example/keys/abc", "a signing service key must use https://")]
    [InlineData("vault:abc", "unknown kind of key 'vault:'; name one as pkcs11:…, https://… or file:PATH")]
    [InlineData("correct horse battery staple", "unknown kind of key; name one as pkcs11:…, https://… or file:PATH")]
    [InlineData("", "no key given; name one as pkcs11:…, https://… or file:PATH")]
    public async Task Other_key_strings_are_refused(string keyString, string message)
    {
        var error = await Assert.ThrowsAsync<SigningException>(() => SigningKeyResolver.OpenAsync(keyString, null, CancellationToken.None));

        Assert.Equal(message, error.Message);
    }
}
