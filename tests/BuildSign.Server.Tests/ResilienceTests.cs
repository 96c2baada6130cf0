using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BuildSign.Core;
using BuildSign.Core.Keys;
using BuildSign.Core.Keys.Remote;
using BuildSign.Core.Keys.Remote.Audit;
using BuildSign.Server.Storage;

namespace BuildSign.Server.Tests;

/// <summary>
/// The service restarts without losing keys, tokens or audit records; killed with SIGKILL in the
/// middle of batches (repeatedly), it comes back with an audit chain that still verifies, and the
/// client's retries complete every batch without signing or auditing any twice.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class ResilienceTests(ServiceFixture service)
{
    [Fact]
    public async Task Restart_keeps_keys_tokens_and_audit_records()
    {
        var tenant = await service.CreateTenantAsync("restart");
        var before = await ExportAsync();

        await service.RestartAsync(hard: false);

        var body = new { items = new[] { new { digestAlgorithm = "sha256", digest = Convert.ToBase64String(SHA256.HashData("after restart"u8)) } } };
        Assert.Equal(HttpStatusCode.OK, (await service.CallAsync(HttpMethod.Post, $"/v1/keys/{tenant.KeyId}/sign", tenant.Signer, body)).Status);
        var (_, key) = await service.CallAsync(HttpMethod.Get, $"/v1/keys/{tenant.KeyId}", tenant.Auditor);
        Assert.NotNull(key!["certificateChain"]);
        var after = await ExportAsync();
        Assert.True(after.Records > before.Records);
    }

    [Fact]
    public async Task SIGKILL_in_the_middle_of_batches_loses_nothing_and_signs_nothing_twice()
    {
        var tenant = await service.CreateTenantAsync("sigkill", "rsa-3072");
        var options = new RemoteServiceOptions
        {
            Token = tenant.Signer,
            AttemptTimeout = TimeSpan.FromSeconds(10),
            TotalTimeout = TimeSpan.FromSeconds(120),
            MaxRetries = 40,
            BaseDelay = TimeSpan.FromMilliseconds(100),
            MaxDelay = TimeSpan.FromSeconds(1),
            BreakDuration = TimeSpan.FromSeconds(1),
        };
        var address = RemoteKeyAddress.Parse($"{service.Service.Url.AbsoluteUri.TrimEnd('/')}/v1/keys/{tenant.KeyId}?batch-size=100&tls-ca={Uri.EscapeDataString(service.Files.TlsCertificate)}");
        await using var key = await RemoteSigningKey.OpenAsync(address, null, options, CancellationToken.None);
        var requests = Enumerable.Range(0, 1000).Select(i => new DigestSignRequest(DigestAlgorithm.Sha256, SHA256.HashData(BitConverter.GetBytes(i)), $"f{i}.dll")).ToArray();
        var store = ServiceStoreFactory.Create("sqlite", $"Data Source={service.Files.Database}");

        var signing = key.SignBatchAsync(new DigestSignBatch(requests), null, CancellationToken.None);
        var kills = 0;
        for (var round = 1; round <= 3 && !signing.IsCompleted; round++)
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!signing.IsCompleted && await SignRecordsAsync(store, tenant.KeyId) < 2 * round && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
            }
            if (signing.IsCompleted) break;
            await service.RestartAsync(hard: true);
            kills++;
        }
        var results = await signing.WaitAsync(TimeSpan.FromMinutes(3));

        Assert.True(kills >= 1, "the batch finished before the service could be killed once");
        Assert.All(results, r => Assert.True(r.Succeeded, r.Error));
        Assert.Equal(10, await SignRecordsAsync(store, tenant.KeyId));
        await ExportAsync();
    }

    private static async Task<int> SignRecordsAsync(IServiceStore store, string keyId) =>
        (await store.QueryAuditAsync(new AuditQuery(null, keyId, null, null, null, 0, 10_000), CancellationToken.None)).Count(r => r.Action == "sign");

    // The whole chain, exported by the service admin, must verify.
    private async Task<AuditExportSummary> ExportAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/audit/export");
        request.Headers.Authorization = new("Bearer", service.AdminToken);
        using var response = await service.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var export = await response.Content.ReadAsByteArrayAsync();
        using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(service.Files.AttestationCertificate));
        return AuditExportVerifier.Verify(export, certificate);
    }
}
