using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BuildSign.Core;
using BuildSign.Core.Keys;
using BuildSign.Core.Keys.Remote;
using BuildSign.Core.Keys.Remote.Audit;
using BuildSign.Server.Hosting;
using BuildSign.Testing;

namespace BuildSign.Server.Tests;

/// <summary>
/// PostgreSQL through the same code: two service instances share one database and one token
/// directory; concurrent signing through both gives one unbroken audit chain with every batch once.
/// </summary>
public sealed class PostgresTests
{
    [Fact]
    public async Task Two_instances_on_one_database_keep_one_unbroken_audit_chain()
    {
        using var postgres = PostgresServer.Start();
        using var data = new TempDirectory("buildsign-service-pg");
        var init = ExternalTool.Run("dotnet", [ServiceProcess.ServerDll, "init", "--data", data.Path, "--database-provider", "postgresql", "--database-connection", postgres.ConnectionString]);
        Assert.True(init.ExitCode == 0, init.Output);
        var files = new DataDirectory(data.Path);
        using var first = await ServiceProcess.StartAsync(data.Path);
        using var second = await ServiceProcess.StartAsync(data.Path);
        var admin = File.ReadAllText(files.AdminToken).Trim();

        // Subscriber, key and tokens through the first instance (the helpers talk to one base URL).
        await using var fixture = new InstanceClient(files, first.Url, admin);
        var tenant = await fixture.CreateTenantAsync();

        var batches = new List<Task<IReadOnlyList<DigestSignature>>>();
        var keys = new List<RemoteSigningKey>();
        foreach (var instance in (ServiceProcess[])[first, second, first, second])
        {
            var address = RemoteKeyAddress.Parse($"{instance.Url.AbsoluteUri.TrimEnd('/')}/v1/keys/{tenant.KeyId}?batch-size=25&tls-ca={Uri.EscapeDataString(files.TlsCertificate)}");
            var key = await RemoteSigningKey.OpenAsync(address, null, new RemoteServiceOptions { Token = tenant.Signer }, CancellationToken.None);
            keys.Add(key);
            var digests = Enumerable.Range(0, 200).Select(i => new DigestSignRequest(DigestAlgorithm.Sha256, RandomNumberGenerator.GetBytes(32), $"f{i}")).ToArray();
            batches.Add(key.SignBatchAsync(new DigestSignBatch(digests), null, CancellationToken.None));
        }
        var results = await Task.WhenAll(batches).WaitAsync(TimeSpan.FromMinutes(3));
        foreach (var key in keys) await key.DisposeAsync();

        Assert.All(results.SelectMany(r => r), r => Assert.True(r.Succeeded, r.Error));
        foreach (var instance in (ServiceProcess[])[first, second])
        {
            var export = await fixture.ExportAsync(instance.Url);
            using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(files.AttestationCertificate));
            var summary = AuditExportVerifier.Verify(export, certificate);
            var signRecords = System.Text.Encoding.UTF8.GetString(export).Split('\n').Count(l => l.Contains("\\u0022action\\u0022:\\u0022sign\\u0022", StringComparison.Ordinal) || l.Contains("\\\"action\\\":\\\"sign\\\"", StringComparison.Ordinal));
            Assert.Equal(4 * 200 / 25, signRecords);
            Assert.True(summary.Records > signRecords);
        }
    }

    /// <summary>Just enough of the API to set up a tenant on one instance.</summary>
    private sealed class InstanceClient(DataDirectory files, Uri url, string admin) : IAsyncDisposable
    {
        private readonly ServiceFixtureClient _client = new(files, url);

        public async Task<Tenant> CreateTenantAsync()
        {
            var subscriber = (await _client.PostAsync("/v1/subscribers", admin, new { name = "pg" }))["id"]!.GetValue<string>();
            var keyAdmin = (await _client.PostAsync($"/v1/subscribers/{subscriber}/tokens", admin, new { role = "key-admin", expiresInSeconds = 600 }))["token"]!.GetValue<string>();
            var key = await _client.PostAsync("/v1/keys", keyAdmin, new { name = "pg", algorithm = "ecdsa-p256" });
            var keyId = key["keyId"]!.GetValue<string>();
            using var ca = X509Certificate2.CreateFromPemFile(files.DevCaCertificate, files.DevCaKey);
            using var leaf = DevCertificates.IssueCodeSigning(ca, key["csr"]!.GetValue<string>());
            await _client.PutAsync($"/v1/keys/{keyId}/certificate", keyAdmin, new { certificateChain = leaf.ExportCertificatePem() });
            var signer = (await _client.PostAsync($"/v1/subscribers/{subscriber}/tokens", keyAdmin, new { role = "signer", expiresInSeconds = 600 }))["token"]!.GetValue<string>();
            return new Tenant(subscriber, keyId, keyAdmin, signer, "", "", "");
        }

        public Task<byte[]> ExportAsync(Uri instance) => _client.GetBytesAsync(instance, "/v1/audit/export", admin);

        public ValueTask DisposeAsync()
        {
            _client.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
