using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BuildSign.Core.Keys;
using BuildSign.Core.Keys.Pkcs11;
using BuildSign.Testing;
using Xunit.Abstractions;

namespace BuildSign.Core.Tests.Keys;

[Collection(SoftHsmCollection.Name)]
public sealed class Pkcs11SigningKeyTests(ITestOutputHelper output)
{
    private const int BatchSize = 200;

    private static SoftHsmToken Token => SoftHsmToken.Shared;

    private static Task<Pkcs11SigningKey> Open(string keyString, string? certificatePath = null) =>
        Pkcs11SigningKey.OpenAsync(Pkcs11Uri.Parse(keyString), certificatePath, CancellationToken.None);

    [Theory]
    [InlineData(DigestAlgorithm.Sha256)]
    [InlineData(DigestAlgorithm.Sha384)]
    [InlineData(DigestAlgorithm.Sha512)]
    public async Task Rsa_key_signs_digests_that_the_certificate_verifies(DigestAlgorithm algorithm)
    {
        await using var key = await Open(Token.RsaKeyString);

        var digests = Enumerable.Range(0, 20).Select(i => algorithm.Hash(BitConverter.GetBytes(i))).ToList();
        var signatures = await key.SignDigestsAsync([.. digests.Select((d, i) => new DigestSignRequest(algorithm, d, $"file{i}"))], CancellationToken.None);

        Assert.Equal(KeyAlgorithm.Rsa, key.Algorithm);
        Assert.Equal(3072, key.KeySizeInBits);
        Assert.Equal(KeyProtection.HardwareLocal, key.Protection);
        Assert.Equal(TestPki.Shared.RsaLeaf.Thumbprint, key.Certificate.Thumbprint);
        Assert.Empty(key.Intermediates);
        using var publicKey = key.Certificate.GetRSAPublicKey()!;
        for (var i = 0; i < digests.Count; i++)
        {
            Assert.True(publicKey.VerifyHash(digests[i], signatures[i], algorithm.ToHashAlgorithmName(), RSASignaturePadding.Pkcs1), $"signature {i}");
        }
    }

    [Fact]
    public async Task Ecdsa_key_returns_der_signatures_that_the_certificate_verifies()
    {
        await using var key = await Open(Token.EcdsaKeyString);

        var digests = Enumerable.Range(0, 200).Select(i => SHA256.HashData(BitConverter.GetBytes(i))).ToList();
        var signatures = await key.SignDigestsAsync([.. digests.Select((d, i) => new DigestSignRequest(DigestAlgorithm.Sha256, d, $"file{i}"))], CancellationToken.None);

        Assert.Equal(KeyAlgorithm.Ecdsa, key.Algorithm);
        Assert.Equal(256, key.KeySizeInBits);
        using var publicKey = key.Certificate.GetECDsaPublicKey()!;
        Assert.Equal(200, signatures.Count);
        for (var i = 0; i < digests.Count; i++)
        {
            Assert.True(publicKey.VerifyHash(digests[i], signatures[i], DSASignatureFormat.Rfc3279DerSequence), $"signature {i}");
        }
    }

    [Fact]
    public async Task Batches_reuse_the_sessions_and_keep_the_order_of_requests()
    {
        await using var key = await Open(Token.RsaKeyString);
        using var publicKey = key.Certificate.GetRSAPublicKey()!;

        for (var batch = 0; batch < 2; batch++)
        {
            var digests = Enumerable.Range(0, BatchSize).Select(i => SHA256.HashData(BitConverter.GetBytes(i * 7 + batch))).ToList();
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var stopwatch = Stopwatch.StartNew();
            var signatures = await key.SignDigestsAsync([.. digests.Select((d, i) => new DigestSignRequest(DigestAlgorithm.Sha256, d, $"f{i}"))], CancellationToken.None);
            output.WriteLine($"batch {batch}: {BatchSize} RSA-3072 signatures over {key.SessionCount} sessions in {stopwatch.ElapsedMilliseconds} ms ({stopwatch.Elapsed.TotalMilliseconds / BatchSize:F2} ms each, {(Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / BatchSize:F2} ms CPU each)");
            for (var i = 0; i < digests.Count; i++)
            {
                Assert.True(publicKey.VerifyHash(digests[i], signatures[i], HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), $"batch {batch} signature {i}");
            }
        }
        Assert.Equal(Environment.ProcessorCount, key.SessionCount);
    }

    [Fact]
    public async Task Each_signature_of_a_batch_is_reported_exactly_once_to_the_callback_and_matches_the_result()
    {
        await using var key = await Open(Token.EcdsaKeyString);
        var digests = Enumerable.Range(0, 100).Select(i => SHA256.HashData(BitConverter.GetBytes(i + 1000))).ToList();
        var reported = new System.Collections.Concurrent.ConcurrentDictionary<int, DigestSignature>();
        var duplicates = 0;

        var signatures = await key.SignBatchAsync(new DigestSignBatch([.. digests.Select((d, i) => new DigestSignRequest(DigestAlgorithm.Sha256, d, $"f{i}"))]),
            (index, signature) => { if (!reported.TryAdd(index, signature)) Interlocked.Increment(ref duplicates); }, CancellationToken.None);

        Assert.Equal(0, duplicates);
        Assert.Equal(Enumerable.Range(0, 100), reported.Keys.Order());
        Assert.All(reported, r => Assert.Same(signatures[r.Key], r.Value));
        using var publicKey = key.Certificate.GetECDsaPublicKey()!;
        Assert.All(reported, r => Assert.True(publicKey.VerifyHash(digests[r.Key], r.Value.Value!, DSASignatureFormat.Rfc3279DerSequence)));
    }

    [Fact]
    public async Task Certificate_file_with_a_chain_gives_the_leaf_and_drops_the_root()
    {
        using var folder = new TempDirectory();
        var chain = folder.File("chain.pem");
        // Root first on purpose: the leaf is found by its key, not by its place in the file.
        File.WriteAllText(chain, File.ReadAllText(TestPki.Shared.RootPem) + File.ReadAllText(TestPki.Shared.EcdsaLeafPem));

        await using var key = await Open(Token.EcdsaKeyString, chain);

        Assert.Equal(TestPki.Shared.EcdsaLeaf.Thumbprint, key.Certificate.Thumbprint);
        Assert.Empty(key.Intermediates);
    }

    [Fact]
    public async Task Certificate_file_in_der_is_accepted()
    {
        using var folder = new TempDirectory();
        var der = folder.File("leaf.cer");
        File.WriteAllBytes(der, TestPki.Shared.RsaLeaf.RawData);

        await using var key = await Open(Token.RsaKeyString, der);

        Assert.Equal(TestPki.Shared.RsaLeaf.Thumbprint, key.Certificate.Thumbprint);
    }

    [Fact]
    public async Task Certificate_of_another_key_is_refused()
    {
        var error = await Assert.ThrowsAsync<SigningException>(() => Open(Token.RsaKeyString, TestPki.Shared.EcdsaLeafPem));

        Assert.Equal($"the certificate file {TestPki.Shared.EcdsaLeafPem} does not match key 'rsa' in token 'buildsign-test'", error.Message);
    }

    [Fact]
    public async Task Wrong_pin_is_reported_without_the_pin()
    {
        const string variable = "BUILDSIGN_TEST_WRONG_PIN";
        Environment.SetEnvironmentVariable(variable, "99999999");
        try
        {
            var error = await Assert.ThrowsAsync<SigningException>(() => Open(Token.KeyString("rsa", $"env:{variable}")));

            Assert.Equal("wrong PIN for token 'buildsign-test'", error.Message);
            Assert.DoesNotContain("99999999", error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task Missing_pin_variable_names_the_variable()
    {
        var error = await Assert.ThrowsAsync<SigningException>(() => Open(Token.KeyString("rsa", "env:BUILDSIGN_TEST_NO_SUCH_PIN")));

        Assert.Equal("the PIN environment variable named by pin-source=env: is not set", error.Message);
    }

    [Fact]
    public async Task Missing_token_is_named()
    {
        var error = await Assert.ThrowsAsync<SigningException>(() => Open(Token.KeyString("rsa", tokenLabel: "no-such-token")));

        Assert.Equal($"no token labelled 'no-such-token' in PKCS#11 module {SoftHsmToken.ModulePath}", error.Message);
    }

    [Fact]
    public async Task Missing_key_is_named()
    {
        var error = await Assert.ThrowsAsync<SigningException>(() => Open(Token.KeyString("no-such-key")));

        Assert.Equal("no private key labelled 'no-such-key' in token 'buildsign-test'", error.Message);
        Assert.DoesNotContain(Token.Pin, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Module_that_does_not_load_is_named()
    {
        using var folder = new TempDirectory();
        var notALibrary = folder.File("not-a-module.so");
        File.WriteAllText(notALibrary, "this is not a shared library");

        var error = await Assert.ThrowsAsync<SigningException>(() => Open($"pkcs11:token=x;object=y?module-path={notALibrary}&pin-source=file:{Token.PinFile}"));

        Assert.StartsWith($"PKCS#11 module {notALibrary} could not be loaded: ", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task Key_that_may_not_sign_is_refused()
    {
        CreateKeyThatMayNotSign("nosign");

        var error = await Assert.ThrowsAsync<SigningException>(() => Open(Token.KeyString("nosign")));

        Assert.Equal("key 'nosign' in token 'buildsign-test' may not sign (its CKA_SIGN is false)", error.Message);
    }

    [Fact]
    public async Task Cancelled_batch_stops()
    {
        await using var key = await Open(Token.EcdsaKeyString);
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => key.SignDigestsAsync([new DigestSignRequest(DigestAlgorithm.Sha256, new byte[32], "a.dll")], cancellation.Token));
    }

    [Fact]
    public async Task Digest_of_the_wrong_length_is_refused()
    {
        await using var key = await Open(Token.RsaKeyString);

        var error = await Assert.ThrowsAsync<SigningException>(() => key.SignDigestsAsync([new DigestSignRequest(DigestAlgorithm.Sha384, new byte[32], "a.dll")], CancellationToken.None));

        Assert.Equal("the sha384 digest for a.dll is 32 bytes, not 48", error.Message);
    }

    private static void CreateKeyThatMayNotSign(string label)
    {
        var module = Pkcs11Module.Acquire(SoftHsmToken.ModulePath, Token.ConfigPath);
        try
        {
            var (slot, _) = Pkcs11TokenLocator.Find(module, Pkcs11Uri.Parse(Token.RsaKeyString));
            using var session = slot.OpenSession(Net.Pkcs11Interop.Common.SessionType.ReadWrite);
            session.Login(Net.Pkcs11Interop.Common.CKU.CKU_USER, Token.Pin);
            try
            {
                if (Pkcs11Objects.Find(session, Net.Pkcs11Interop.Common.CKO.CKO_PRIVATE_KEY, label).Count > 0)
                {
                    return;
                }
                var factory = session.Factories.ObjectAttributeFactory;
                using var mechanism = session.Factories.MechanismFactory.Create(Net.Pkcs11Interop.Common.CKM.CKM_EC_KEY_PAIR_GEN);
                session.GenerateKeyPair(
                    mechanism,
                    [factory.Create(Net.Pkcs11Interop.Common.CKA.CKA_TOKEN, true), factory.Create(Net.Pkcs11Interop.Common.CKA.CKA_EC_PARAMS, Convert.FromHexString("06082a8648ce3d030107")), factory.Create(Net.Pkcs11Interop.Common.CKA.CKA_LABEL, label)],
                    [factory.Create(Net.Pkcs11Interop.Common.CKA.CKA_TOKEN, true), factory.Create(Net.Pkcs11Interop.Common.CKA.CKA_PRIVATE, true), factory.Create(Net.Pkcs11Interop.Common.CKA.CKA_SIGN, false), factory.Create(Net.Pkcs11Interop.Common.CKA.CKA_LABEL, label)],
                    out _,
                    out _);
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
