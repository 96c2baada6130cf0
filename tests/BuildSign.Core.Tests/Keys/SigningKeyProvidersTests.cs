using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BuildSign.Core.Keys;
using BuildSign.Testing;

namespace BuildSign.Core.Tests.Keys;

[Collection(SoftHsmCollection.Name)]
public sealed class SigningKeyProvidersTests
{
    [Fact]
    public async Task Pkcs11_key_string_opens_a_hardware_key()
    {
        await using var key = await SigningKeyProviders.CreateDefault().OpenAsync(SoftHsmToken.Shared.EcdsaKeyString, null, CancellationToken.None);

        Assert.Equal(KeyProtection.HardwareLocal, key.Protection);
        Assert.Equal("PKCS#11 key 'ecdsa' in token 'buildsign-test'", key.DisplayName);
        var digest = SHA256.HashData("x"u8);
        var signature = (await key.SignDigestsAsync([new DigestSignRequest(DigestAlgorithm.Sha256, digest, "x")], CancellationToken.None))[0];
        Assert.True(TestPki.Shared.EcdsaLeaf.GetECDsaPublicKey()!.VerifyHash(digest, signature, DSASignatureFormat.Rfc3279DerSequence));
    }

    [Fact]
    public async Task File_key_string_opens_a_software_key()
    {
        await using var key = await SigningKeyProviders.CreateDefault().OpenAsync($"file:{TestPki.Shared.RsaPfx}", null, CancellationToken.None);

        Assert.Equal(KeyProtection.Software, key.Protection);
        Assert.Equal(TestPki.Shared.RsaLeaf.Thumbprint, key.Certificate.Thumbprint);
    }

    [Theory]
    [InlineData("https://signing.example/abc", "a signing service key URL must end in /v1/keys/KEY-ID")]
    [InlineData("https://signing.example/v1/keys/abc?token=x", "the key string must not carry a secret (token); set BUILDSIGN_TOKEN instead")]
    [InlineData("http://signing.example/keys/abc", "a signing service key must use https://")]
    [InlineData("vault:abc", "unknown kind of key 'vault:'; name one as file:…, https:…, pkcs11:…")]
    [InlineData("correct horse battery staple", "unknown kind of key; name one as file:…, https:…, pkcs11:…")]
    [InlineData("", "no key given; name one as file:…, https:…, pkcs11:…")]
    public async Task Other_key_strings_are_refused(string keyString, string message)
    {
        var error = await Assert.ThrowsAsync<SigningException>(() => SigningKeyProviders.CreateDefault().OpenAsync(keyString, null, CancellationToken.None));

        Assert.Equal(message, error.Message);
    }
}
