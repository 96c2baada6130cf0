using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using BuildSign.Core.Keys.Pkcs11;
using BuildSign.Core.Keys.Pkcs11.Vault;
using BuildSign.Server.Audit;
using BuildSign.Server.Identity;
using BuildSign.Server.Signing;
using BuildSign.Server.Storage;

namespace BuildSign.Server.Hosting;

/// <summary>
/// <c>buildsign-server init --data DIR</c>: the embedded default in one folder — a SoftHSM2 token, the
/// SQLite database, a dev TLS certificate, the attestation key (in the token) and its certificate, a
/// dev CA, the configuration file and the first service-admin token (DIR/admin.token, 0600).
/// </summary>
public static class ServiceInitializer
{
    /// <summary>The label of the token init creates.</summary>
    public const string TokenLabel = "buildsign-service";

    /// <summary>Creates everything; refuses a folder that already holds a service.</summary>
    public static async Task InitializeAsync(DataDirectory data, string modulePath, TextWriter output, string databaseProvider = "sqlite", string? databaseConnection = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(output);
        if (File.Exists(data.Settings) || File.Exists(data.AdminToken) || Directory.Exists(data.TokenDirectory))
        {
            throw new ServiceConfigurationException($"{data.Path} already holds a signing service; run it with: buildsign-server run --data {data.Path}");
        }
        OwnerOnlyFile.CreateDirectory(data.Path);
        OwnerOnlyFile.CreateDirectory(data.TokenDirectory);
        File.WriteAllText(data.SoftHsmConfig, $"# SoftHSM2 configuration of the BuildSign signing service\ndirectories.tokendir = {data.TokenDirectory}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");
        OwnerOnlyFile.WriteAllText(data.PinFile, RandomNumberGenerator.GetHexString(32, lowercase: true) + "\n");
        Pkcs11KeyVault.InitializeToken(modulePath, data.SoftHsmConfig, TokenLabel, File.ReadAllText(data.PinFile).Trim());

        var tokenUri = $"pkcs11:token={TokenLabel}?module-path={Uri.EscapeDataString(modulePath)}&pin-source=file:{Uri.EscapeDataString(data.PinFile)}&{Pkcs11Uri.SoftHsmConfigAttribute}={Uri.EscapeDataString(data.SoftHsmConfig)}";
        using (var vault = Pkcs11KeyVault.Open(Pkcs11Uri.Parse(tokenUri)))
        {
            using var attestation = ServiceKeyring.CreateAttestationKey(vault, "buildsign-attestation");
            File.WriteAllText(data.AttestationCertificate, attestation.ExportCertificatePem() + "\n");
        }

        using (var tls = DevCertificates.CreateTls())
        {
            File.WriteAllText(data.TlsCertificate, tls.ExportCertificatePem() + "\n");
            using var key = tls.GetECDsaPrivateKey()!;
            OwnerOnlyFile.WriteAllText(data.TlsKey, key.ExportPkcs8PrivateKeyPem() + "\n");
        }
        using (var ca = DevCertificates.CreateCa())
        {
            File.WriteAllText(data.DevCaCertificate, ca.ExportCertificatePem() + "\n");
            using var key = ca.GetRSAPrivateKey()!;
            OwnerOnlyFile.WriteAllText(data.DevCaKey, key.ExportPkcs8PrivateKeyPem() + "\n");
        }

        var options = new ServiceOptions
        {
            Hsm = new HsmOptions { TokenUri = tokenUri, AttestationCertificateFile = data.AttestationCertificate },
            Database = new DatabaseOptions { Provider = databaseProvider, ConnectionString = databaseConnection ?? $"Data Source={data.Database}" },
            Tls = new TlsOptions { CertificateFile = data.TlsCertificate, KeyFile = data.TlsKey },
        };
        // 0600: a connection string may hold a password (better given as BUILDSIGN_SERVER_Database__ConnectionString).
        OwnerOnlyFile.WriteAllText(data.Settings, JsonSerializer.Serialize(options, new JsonSerializerOptions { WriteIndented = true }) + "\n");

        var store = ServiceStoreFactory.Create(options.Database.Provider, options.Database.ConnectionString);
        await store.InitializeAsync(CancellationToken.None).ConfigureAwait(false);
        var secret = ApiTokens.Create();
        var now = DateTimeOffset.UtcNow;
        var admin = new TokenRecord(ApiTokens.NewId("tok_"), null, Roles.ServiceAdmin, null, ApiTokens.Hash(secret), now.AddYears(1), null, now);
        await store.AddTokenAsync(admin, CancellationToken.None).ConfigureAwait(false);
        await new AuditLog(store, TimeProvider.System).AppendAsync(new AuditEvent { Action = "service-init", Result = "ok", Credential = $"token:{admin.Id}", Detail = "first service-admin token created" }, CancellationToken.None).ConfigureAwait(false);
        OwnerOnlyFile.WriteAllText(data.AdminToken, secret + "\n");

        await output.WriteLineAsync($"initialized the signing service in {data.Path}").ConfigureAwait(false);
        await output.WriteLineAsync($"  HSM token '{TokenLabel}' (SoftHSM2, {data.SoftHsmConfig}) with the attestation key; certificate {data.AttestationCertificate}").ConfigureAwait(false);
        await output.WriteLineAsync($"  TLS certificate for clients to trust: {data.TlsCertificate}").ConfigureAwait(false);
        await output.WriteLineAsync($"  dev CA for subscribers' certificates: {data.DevCaCertificate}").ConfigureAwait(false);
        await output.WriteLineAsync($"  service-admin token: {data.AdminToken} (mode 0600)").ConfigureAwait(false);
        await output.WriteLineAsync($"start it with: buildsign-server run --data {data.Path} --urls https://127.0.0.1:8443").ConfigureAwait(false);
    }
}
