using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace BuildSign.Server.Tests;

/// <summary>Malformed and oversized batches get a 4xx with a clear message; Idempotency-Key replays the first answer.</summary>
[Collection(ServiceCollection.Name)]
public sealed class SignRequestTests(ServiceFixture service)
{
    private static string Digest(int bytes = 32) => Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes));

    [Theory]
    [InlineData("{", 400, "the request body is not valid JSON for this request")]
    [InlineData("{}", 400, "items is required: at least one {digestAlgorithm, digest}")]
    [InlineData("{\"items\":[]}", 400, "items is required: at least one {digestAlgorithm, digest}")]
    [InlineData("{\"items\":[{\"digestAlgorithm\":\"md5\",\"digest\":\"AAAA\"}]}", 400, "items[0].digestAlgorithm must be sha256, sha384 or sha512")]
    [InlineData("{\"items\":[{\"digestAlgorithm\":\"sha256\",\"digest\":\"***\"}]}", 400, "items[0].digest is not base64")]
    [InlineData("{\"items\":[{\"digestAlgorithm\":\"sha384\",\"digest\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"}]}", 400, "items[0].digest is 32 bytes; a sha384 digest is 48")]
    [InlineData("{\"items\":[null]}", 400, "items[0] is null")]
    [InlineData("{\"items\":\"everything\"}", 400, "the request body is not valid JSON for this request at $.items")]
    public async Task Malformed_batches_get_400_with_the_reason(string body, int expected, string message)
    {
        var tenant = await Tenant();
        var (status, answer) = await service.CallAsync(HttpMethod.Post, $"/v1/keys/{tenant.KeyId}/sign", tenant.Signer, body);
        Assert.Equal(expected, (int)status);
        Assert.Equal(message, answer!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Too_many_items_and_too_large_bodies_are_refused()
    {
        var tenant = await Tenant();
        var many = new { items = Enumerable.Range(0, 2001).Select(_ => new { digestAlgorithm = "sha256", digest = Digest() }).ToArray() };
        var (status, answer) = await service.CallAsync(HttpMethod.Post, $"/v1/keys/{tenant.KeyId}/sign", tenant.Signer, many);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("2001 items in one request; the service signs at most 2000 per request", answer!["error"]!.GetValue<string>());

        var huge = "{\"items\":[{\"digestAlgorithm\":\"sha256\",\"digest\":\"" + Digest() + "\",\"file\":\"" + new string('x', 1_100_000) + "\"}]}";
        (status, answer) = await service.CallAsync(HttpMethod.Post, $"/v1/keys/{tenant.KeyId}/sign", tenant.Signer, huge);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("the request body is larger than the service allows", answer!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_retried_batch_with_the_same_Idempotency_Key_is_signed_and_audited_once()
    {
        var tenant = await Tenant();
        var body = new { items = new[] { new { digestAlgorithm = "sha256", digest = Digest(), file = "retry.dll" } } };
        var headers = new Dictionary<string, string> { ["Idempotency-Key"] = Guid.NewGuid().ToString("N") };
        var first = await service.CallAsync(HttpMethod.Post, $"/v1/keys/{tenant.KeyId}/sign", tenant.Signer, body, headers);
        var second = await service.CallAsync(HttpMethod.Post, $"/v1/keys/{tenant.KeyId}/sign", tenant.Signer, body, headers);
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(first.Body!.ToJsonString(), second.Body!.ToJsonString());

        var (_, audit) = await service.CallAsync(HttpMethod.Get, $"/v1/audit?key={tenant.KeyId}", tenant.Auditor);
        Assert.Single(audit!["records"]!.AsArray(), r => r!["action"]!.GetValue<string>() == "sign");

        var other = new { items = new[] { new { digestAlgorithm = "sha256", digest = Digest() } } };
        var (status, answer) = await service.CallAsync(HttpMethod.Post, $"/v1/keys/{tenant.KeyId}/sign", tenant.Signer, other, headers);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("this Idempotency-Key was used for a different request", answer!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Auditor_finds_what_a_key_signed_by_digest_and_time_range()
    {
        var tenant = await Tenant();
        var digest = RandomNumberGenerator.GetBytes(32);
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var body = new { items = new[] { new { digestAlgorithm = "sha256", digest = Convert.ToBase64String(digest), file = "compromised.dll" } }, run = new Dictionary<string, string> { ["repository"] = "contoso/app", ["run"] = "42" } };
        Assert.Equal(HttpStatusCode.OK, (await service.CallAsync(HttpMethod.Post, $"/v1/keys/{tenant.KeyId}/sign", tenant.Signer, body)).Status);
        var after = DateTimeOffset.UtcNow.AddSeconds(1);

        var (_, byDigest) = await service.CallAsync(HttpMethod.Get, $"/v1/audit?digest={Convert.ToHexStringLower(digest)}", tenant.Auditor);
        var record = Assert.Single(byDigest!["records"]!.AsArray())!["record"]!;
        Assert.Equal("compromised.dll", record["digests"]![0]!["file"]!.GetValue<string>());
        Assert.Equal("contoso/app", record["ci"]!["client.repository"]!.GetValue<string>());

        var range = $"from={Uri.EscapeDataString(before.ToString("O"))}&to={Uri.EscapeDataString(after.ToString("O"))}";
        var (_, inRange) = await service.CallAsync(HttpMethod.Get, $"/v1/audit?key={tenant.KeyId}&{range}", tenant.Auditor);
        Assert.Contains(inRange!["records"]!.AsArray(), r => r!["action"]!.GetValue<string>() == "sign");
        var (_, outside) = await service.CallAsync(HttpMethod.Get, $"/v1/audit?key={tenant.KeyId}&to={Uri.EscapeDataString(before.AddHours(-1).ToString("O"))}", tenant.Auditor);
        Assert.Empty(outside!["records"]!.AsArray());
    }

    private Tenant? _tenant;

    private async Task<Tenant> Tenant() => _tenant ??= await service.CreateTenantAsync("requests-" + Guid.NewGuid().ToString("N")[..6]);
}
