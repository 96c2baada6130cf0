using System.Text.Json;
using BuildSign.Core.Keys.Pkcs11;
using BuildSign.Core.Keys.Pkcs11.Vault;
using BuildSign.Core.Keys.Remote.Attestation;
using BuildSign.Testing;

namespace BuildSign.Server.Tests;

/// <summary>
/// No API and no PKCS#11 path exports a private key (CSBR 6.2.6): the service's keys, read through
/// PKCS#11 by pkcs11-tool and by a direct attribute read, are sensitive, never extractable, generated
/// in the token, and give no value back.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class HsmKeyTests(ServiceFixture service)
{
    [Fact]
    public async Task Every_key_in_the_service_token_is_sensitive_never_extractable_and_local()
    {
        var tenant = await service.CreateTenantAsync("hsm-attributes", "rsa-3072");
        var pin = File.ReadAllText(service.Files.PinFile).Trim();
        var list = ExternalTool.Run("pkcs11-tool", ["--module", Pkcs11Uri.DefaultModulePath, "--token-label", "buildsign-service", "--login", "--pin", pin, "--list-objects", "--type", "privkey"],
            new Dictionary<string, string?> { ["SOFTHSM2_CONF"] = service.Files.SoftHsmConfig });
        Assert.True(list.ExitCode == 0, list.Output);
        var access = list.StandardOutput.Split('\n').Where(l => l.TrimStart().StartsWith("Access:", StringComparison.Ordinal)).ToList();
        Assert.True(access.Count >= 2, list.StandardOutput);
        Assert.All(access, line => Assert.Equal("Access:     sensitive, always sensitive, never extractable, local", line.Trim()));
        Assert.DoesNotContain("extractable,", list.StandardOutput.Replace("never extractable,", "", StringComparison.Ordinal));
        // The keys may only sign: no decrypt, unwrap or derive.
        Assert.All(list.StandardOutput.Split('\n').Where(l => l.TrimStart().StartsWith("Usage:", StringComparison.Ordinal)), line => Assert.Equal("Usage:      sign", line.Trim()));

        var statement = JsonSerializer.Deserialize<KeyAttestationStatement>(Convert.FromBase64String(JsonSerializer.Deserialize<SignedKeyAttestation>(tenant.Attestation)!.Statement))!;
        var uri = Pkcs11Uri.Parse($"pkcs11:token=buildsign-service?module-path={Pkcs11Uri.DefaultModulePath}&pin-source=file:{service.Files.PinFile}&softhsm2-conf={service.Files.SoftHsmConfig}");
        using var vault = Pkcs11KeyVault.Open(uri, sessions: 1);
        var (_, key) = await service.CallAsync(HttpMethod.Get, $"/v1/keys/{tenant.KeyId}", tenant.Auditor);
        Assert.Equal(statement.PublicKey, key!["publicKey"]!.GetValue<string>());
        foreach (var line in list.StandardOutput.Split('\n').Where(l => l.TrimStart().StartsWith("ID:", StringComparison.Ordinal)))
        {
            var attributes = vault.ReadAttributes(Convert.FromHexString(line.Split(':')[1].Trim()));
            Assert.False(attributes.ValueReadable);
            Assert.False(attributes.Extractable);
            Assert.True(attributes.Sensitive && attributes.AlwaysSensitive && attributes.NeverExtractable && attributes.Local && attributes.Private && attributes.Token);
        }
    }

    [Fact]
    public async Task Tampered_attestation_or_a_foreign_CSR_fails_verification()
    {
        var tenant = await service.CreateTenantAsync("attestation-tamper");
        var other = await service.CreateTenantAsync("attestation-other");
        using var work = new TempDirectory("buildsign-attest");
        File.WriteAllText(work.File("key.csr"), tenant.Csr);
        File.WriteAllText(work.File("other.csr"), other.Csr);
        File.WriteAllText(work.File("attestation.json"), tenant.Attestation);
        var document = JsonSerializer.Deserialize<SignedKeyAttestation>(tenant.Attestation)!;
        var statement = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(document.Statement)).Replace("\"local\":true", "\"local\":false", StringComparison.Ordinal);
        File.WriteAllText(work.File("tampered.json"), JsonSerializer.Serialize(document with { Statement = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(statement)) }));

        var good = Verify("key.csr", "attestation.json");
        Assert.True(good.ExitCode == 0, good.Output);
        var tampered = Verify("key.csr", "tampered.json");
        Assert.Equal(1, tampered.ExitCode);
        Assert.Contains("the attestation's signature does not verify with the service certificate", tampered.StandardError);
        var foreign = Verify("other.csr", "attestation.json");
        Assert.Equal(1, foreign.ExitCode);
        Assert.Contains("the CSR's public key is not the attested key", foreign.StandardError);

        ToolResult Verify(string csr, string attestation) =>
            service.Cli(null, "attestation", "verify", "--csr", work.File(csr), "--attestation", work.File(attestation), "--service-certificate", service.Files.AttestationCertificate);
    }
}
