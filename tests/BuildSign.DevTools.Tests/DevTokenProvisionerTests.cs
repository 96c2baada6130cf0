using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BuildSign.Core;
using BuildSign.Core.Keys;
using BuildSign.Core.Keys.Pkcs11;
using BuildSign.DevTools.Tokens;
using BuildSign.Testing;
using Net.Pkcs11Interop.Common;
using Pkcs11Uri = BuildSign.Core.Keys.Pkcs11.Pkcs11Uri;

namespace BuildSign.DevTools.Tests;

public sealed class DevTokenProvisionerTests
{
    [Fact]
    public async Task Creates_a_token_whose_key_signs_and_chains_to_the_dev_root_and_then_reuses_it()
    {
        using var folder = new TempDirectory();
        var hsm = Path.Combine(folder.Path, ".buildsign", "hsm");

        var token = await DevTokenProvisioner.ProvisionAsync(hsm);

        Assert.True(token.Created);
        Assert.Equal(Path.Combine(hsm, "softhsm2.conf"), token.SoftHsmConfigPath);
        var pin = File.ReadAllText(Path.Combine(hsm, "pin")).Trim();
        Assert.Equal(System.Text.Encoding.ASCII.GetBytes(pin + "\n"), File.ReadAllBytes(Path.Combine(hsm, "pin")));
        Assert.False(File.ReadAllBytes(Path.Combine(hsm, "dev-root-key.pem")).AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]));
        Assert.DoesNotContain(pin, token.KeyString, StringComparison.Ordinal);
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(hsm, "pin")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(hsm, "dev-root-key.pem")));
        }

        await using (var key = await SigningKeyProviders.CreateDefault().OpenAsync(token.KeyString, null, CancellationToken.None))
        {
            var digest = SHA256.HashData("dev"u8);
            var signature = (await key.SignDigestsAsync([new DigestSignRequest(DigestAlgorithm.Sha256, digest, "dev")], CancellationToken.None))[0];
            Assert.True(key.Certificate.GetRSAPublicKey()!.VerifyHash(digest, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
            Assert.Equal(3072, key.KeySizeInBits);
            Assert.Equal(X509CertificateLoader.LoadCertificateFromFile(token.SignerCertificatePath).Thumbprint, key.Certificate.Thumbprint);
            AssertChainsForCodeSigning(key.Certificate, X509CertificateLoader.LoadCertificateFromFile(token.DevRootCertificatePath));
        }
        AssertKeyBornInTokenAndKeptThere(token.KeyString);

        var again = await DevTokenProvisioner.ProvisionAsync(hsm);

        Assert.False(again.Created);
        Assert.Equal(token.KeyString, again.KeyString);
    }

    [Fact]
    public async Task Half_made_folder_is_reported()
    {
        using var folder = new TempDirectory();
        Directory.CreateDirectory(folder.File("tokens/x"));

        var error = await Assert.ThrowsAsync<SigningException>(() => DevTokenProvisioner.ProvisionAsync(folder.Path));

        Assert.Equal($"the folder {folder.Path} holds a half-made dev token (no pin file); delete the folder to create a new one", error.Message);
    }

    private static void AssertChainsForCodeSigning(X509Certificate2 leaf, X509Certificate2 root)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.3"));
        Assert.True(chain.Build(leaf), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
        var eku = Assert.Single(leaf.Extensions.OfType<X509EnhancedKeyUsageExtension>());
        Assert.True(eku.Critical);
        Assert.False(Assert.Single(leaf.Extensions.OfType<X509BasicConstraintsExtension>()).CertificateAuthority);
    }

    private static void AssertKeyBornInTokenAndKeptThere(string keyString)
    {
        var uri = Pkcs11Uri.Parse(keyString);
        var module = Pkcs11Module.Acquire(uri.ModulePath, uri.SoftHsmConfigPath);
        try
        {
            var (slot, _) = Pkcs11TokenLocator.Find(module, uri);
            using var session = slot.OpenSession(SessionType.ReadOnly);
            session.Login(CKU.CKU_USER, uri.PinSource!.ReadPin());
            try
            {
                var handle = Assert.Single(Pkcs11Objects.Find(session, CKO.CKO_PRIVATE_KEY, "signer"));
                var values = Pkcs11Objects.Read(session, handle, CKA.CKA_SENSITIVE, CKA.CKA_EXTRACTABLE, CKA.CKA_ALWAYS_SENSITIVE, CKA.CKA_NEVER_EXTRACTABLE, CKA.CKA_LOCAL, CKA.CKA_SIGN, CKA.CKA_ID, CKA.CKA_PRIVATE_EXPONENT);
                Assert.True(values.Flag(CKA.CKA_SENSITIVE));
                Assert.False(values.Flag(CKA.CKA_EXTRACTABLE));
                Assert.True(values.Flag(CKA.CKA_ALWAYS_SENSITIVE));
                Assert.True(values.Flag(CKA.CKA_NEVER_EXTRACTABLE));
                Assert.True(values.Flag(CKA.CKA_LOCAL));
                Assert.True(values.Flag(CKA.CKA_SIGN));
                Assert.Equal(new byte[] { 0x01 }, values.Bytes(CKA.CKA_ID));
                Assert.Null(values.Bytes(CKA.CKA_PRIVATE_EXPONENT));
                Assert.Single(Pkcs11Objects.Find(session, CKO.CKO_CERTIFICATE, "signer", [0x01]));
            }
            finally
            {
                session.Logout();
            }
        }
        finally
        {
            module.Release();
        }
    }
}
