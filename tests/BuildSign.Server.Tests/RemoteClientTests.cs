using System.Net;
using System.Security.Cryptography;
using BuildSign.Core;
using BuildSign.Core.Keys;
using BuildSign.Core.Keys.Remote;
using BuildSign.Testing;

namespace BuildSign.Server.Tests;

/// <summary>
/// The https:// key through a fault-injecting proxy: transient faults are retried within policy with
/// the same Idempotency-Key (signed and audited once), wrong answers are refused, and no signature
/// that fails to verify is ever handed on.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class RemoteClientTests(ServiceFixture service)
{
    private static RemoteServiceOptions Options(string token) => new()
    {
        Token = token,
        AttemptTimeout = TimeSpan.FromSeconds(2),
        TotalTimeout = TimeSpan.FromSeconds(60),
        MaxRetries = 8,
        BaseDelay = TimeSpan.FromMilliseconds(50),
        MaxDelay = TimeSpan.FromMilliseconds(400),
        MaxRetryAfter = TimeSpan.FromMilliseconds(1500),
    };

    private static DigestSignRequest[] Digests(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new DigestSignRequest(DigestAlgorithm.Sha256, SHA256.HashData(BitConverter.GetBytes(i ^ Random.Shared.Next())), $"file{i}.dll"))];

    private static async Task<RemoteSigningKey> OpenAsync(Uri baseUrl, Tenant tenant, string tlsCa, string query = "") =>
        await RemoteSigningKey.OpenAsync(RemoteKeyAddress.Parse($"{baseUrl.AbsoluteUri.TrimEnd('/')}/v1/keys/{tenant.KeyId}?tls-ca={Uri.EscapeDataString(tlsCa)}{query}"), null, Options(tenant.Signer), CancellationToken.None);

    [Fact]
    public async Task Transient_faults_are_retried_and_each_batch_is_signed_and_audited_once()
    {
        var tenant = await service.CreateTenantAsync("faults-transient");
        await using var proxy = await FaultInjectingProxy.StartAsync(service);
        await using var key = await OpenAsync(proxy.Url, tenant, service.Files.TlsCertificate, "&batch-size=1000");
        proxy.Enqueue("drop", "503-retry-after-1", "429", "slow", "500");

        var results = await key.SignBatchAsync(new DigestSignBatch(Digests(30)), null, CancellationToken.None);

        Assert.All(results, r => Assert.True(r.Succeeded, r.Error));
        Assert.Equal(6, proxy.SignRequests);
        var (_, audit) = await service.CallAsync(HttpMethod.Get, $"/v1/audit?key={tenant.KeyId}", tenant.Auditor);
        Assert.Single(audit!["records"]!.AsArray(), r => r!["action"]!.GetValue<string>() == "sign");
    }

    [Fact]
    public async Task A_Retry_After_beyond_the_cap_is_cut_to_the_cap()
    {
        var tenant = await service.CreateTenantAsync("faults-retry-after");
        await using var proxy = await FaultInjectingProxy.StartAsync(service);
        await using var key = await OpenAsync(proxy.Url, tenant, service.Files.TlsCertificate);
        proxy.Enqueue("429-retry-after-3600");
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var results = await key.SignBatchAsync(new DigestSignBatch(Digests(3)), null, CancellationToken.None);

        Assert.All(results, r => Assert.True(r.Succeeded, r.Error));
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.4), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Wrong_swapped_or_corrupted_signatures_are_never_used()
    {
        var tenant = await service.CreateTenantAsync("faults-wrong");
        await using var proxy = await FaultInjectingProxy.StartAsync(service);
        await using var key = await OpenAsync(proxy.Url, tenant, service.Files.TlsCertificate);

        proxy.Enqueue("count");
        var count = await Assert.ThrowsAsync<SigningException>(() => key.SignBatchAsync(new DigestSignBatch(Digests(4)), null, CancellationToken.None));
        Assert.Equal("the signing service returned 3 signatures for 4 digests; none of them is used", count.Message);

        proxy.Enqueue("swap");
        var swapped = await key.SignBatchAsync(new DigestSignBatch(Digests(4)), null, CancellationToken.None);
        Assert.False(swapped[0].Succeeded);
        Assert.False(swapped[1].Succeeded);
        Assert.Equal("the signing service returned a signature for file0.dll that does not verify with the key's certificate", swapped[0].Error);
        Assert.True(swapped[2].Succeeded && swapped[3].Succeeded);

        proxy.Enqueue("garble");
        var garbled = await key.SignBatchAsync(new DigestSignBatch(Digests(2)), null, CancellationToken.None);
        Assert.False(garbled[0].Succeeded);
        Assert.True(garbled[1].Succeeded);
    }

    [Fact]
    public async Task The_CLI_leaves_files_untouched_when_the_service_returns_bad_signatures()
    {
        var tenant = await service.CreateTenantAsync("faults-cli");
        await using var proxy = await FaultInjectingProxy.StartAsync(service);
        using var work = new TempDirectory("buildsign-faults");
        var files = new[] { work.File("a.txt"), work.File("b.txt") };
        foreach (var file in files) File.WriteAllText(file, "content of " + file);
        proxy.Enqueue("pass", "swap"); // the run's signer-certificate probe first, then the files' batch

        var result = service.Cli(new Dictionary<string, string?> { ["BUILDSIGN_TOKEN"] = tenant.Signer }, ["sign", "--key", $"{proxy.Url.AbsoluteUri.TrimEnd('/')}/v1/keys/{tenant.KeyId}", .. files]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("does not verify with the key's certificate", result.Output);
        Assert.All(files, f => Assert.False(File.Exists(f + ".p7s"), result.Output));
    }

    [Fact]
    public async Task A_thousand_digests_take_two_requests_and_under_300_bytes_each()
    {
        var tenant = await service.CreateTenantAsync("batching");
        await using var key = await OpenAsync(service.Service.Url, tenant, service.Files.TlsCertificate);

        var results = await key.SignBatchAsync(new DigestSignBatch(Digests(1000)), null, CancellationToken.None);

        Assert.All(results, r => Assert.True(r.Succeeded, r.Error));
        Assert.Equal(2, key.RequestCount - 1); // the first request read the key
        Assert.InRange(key.RequestBytes / 1000.0, 50, 300);
    }

    [Fact]
    public async Task Unknown_credentials_and_keys_fail_with_one_clear_line()
    {
        var tenant = await service.CreateTenantAsync("client-errors");
        var address = RemoteKeyAddress.Parse($"{service.Service.Url.AbsoluteUri.TrimEnd('/')}/v1/keys/{tenant.KeyId}?tls-ca={Uri.EscapeDataString(service.Files.TlsCertificate)}");
        var badToken = await Assert.ThrowsAsync<SigningException>(() => RemoteSigningKey.OpenAsync(address, null, Options("bst_wrong"), CancellationToken.None));
        Assert.Equal("the signing service refused the credential in BUILDSIGN_TOKEN (unknown, expired or revoked)", badToken.Message);
        var other = await service.CreateTenantAsync("client-errors-other");
        var foreign = await Assert.ThrowsAsync<SigningException>(() => RemoteSigningKey.OpenAsync(address, null, Options(other.Signer), CancellationToken.None));
        Assert.Equal($"the signing service has no key {tenant.KeyId} that this credential may use", foreign.Message);
        var untrusted = RemoteKeyAddress.Parse($"{service.Service.Url.AbsoluteUri.TrimEnd('/')}/v1/keys/{tenant.KeyId}?tls-ca={Uri.EscapeDataString(service.Files.DevCaCertificate)}");
        var tls = await Assert.ThrowsAsync<SigningException>(() => RemoteSigningKey.OpenAsync(untrusted, null, Options(tenant.Signer) with { MaxRetries = 0 }, CancellationToken.None));
        Assert.StartsWith("the signing service at", tls.Message);
    }
}
