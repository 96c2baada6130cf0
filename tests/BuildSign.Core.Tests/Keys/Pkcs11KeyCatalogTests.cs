using BuildSign.Core.Keys;
using BuildSign.Core.Keys.Pkcs11;
using BuildSign.Testing;

namespace BuildSign.Core.Tests.Keys;

[Collection(SoftHsmCollection.Name)]
public sealed class Pkcs11KeyCatalogTests
{
    [Fact]
    public async Task Lists_keys_with_their_certificates()
    {
        var contents = await Pkcs11KeyCatalog.ListAsync(Pkcs11Uri.Parse(SoftHsmToken.Shared.KeyString("rsa").Replace("object=rsa", "", StringComparison.Ordinal)), CancellationToken.None);

        Assert.Equal("buildsign-test", contents.TokenLabel);
        Assert.True(contents.LoggedIn);
        var rsa = Assert.Single(contents.Keys, k => k.Label == "rsa");
        Assert.Equal(new Pkcs11KeyEntry("rsa", "01", KeyAlgorithm.Rsa, 3072, true, TestPki.Shared.RsaLeaf.Subject, new DateTimeOffset(TestPki.Shared.RsaLeaf.NotAfter.ToUniversalTime(), TimeSpan.Zero)), rsa);
        var ecdsa = Assert.Single(contents.Keys, k => k.Label == "ecdsa");
        Assert.Equal((KeyAlgorithm.Ecdsa, 256, "02"), (ecdsa.Algorithm!.Value, ecdsa.KeySizeInBits!.Value, ecdsa.IdHex));
        Assert.Contains(contents.Certificates, c => c.Label == "ecdsa" && c.Subject == TestPki.Shared.EcdsaLeaf.Subject && c.Issuer == TestPki.Shared.Root.Subject);
    }

    [Fact]
    public async Task Without_a_pin_only_certificates_show()
    {
        var uri = $"pkcs11:token=buildsign-test?module-path={SoftHsmToken.ModulePath}&softhsm2-conf={SoftHsmToken.Shared.ConfigPath}";

        var contents = await Pkcs11KeyCatalog.ListAsync(Pkcs11Uri.Parse(uri), CancellationToken.None);

        Assert.False(contents.LoggedIn);
        Assert.Empty(contents.Keys);
        Assert.Contains(contents.Certificates, c => c.Label == "rsa" && c.IdHex == "01");
    }
}
