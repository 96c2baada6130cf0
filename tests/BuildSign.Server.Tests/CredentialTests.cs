using System.Net;
using System.Security.Cryptography;
using BuildSign.Server.Identity;
using BuildSign.Server.Storage;

namespace BuildSign.Server.Tests;

/// <summary>Expired, revoked, wrong-scope and unknown credentials; refusals are audited without the credential.</summary>
[Collection(ServiceCollection.Name)]
public sealed class CredentialTests(ServiceFixture service)
{
    private static object OneItem() => new { items = new[] { new { digestAlgorithm = "sha256", digest = Convert.ToBase64String(SHA256.HashData(Guid.NewGuid().ToByteArray())) } } };

    [Fact]
    public async Task Revoked_token_is_refused_at_once()
    {
        var tenant = await service.CreateTenantAsync("revoke");
        var (tokenId, token) = await service.CreateTokenAsync(tenant.Subscriber, "signer", tenant.KeyAdmin);
        Assert.Equal(HttpStatusCode.OK, (await service.CallAsync(HttpMethod.Post, $"/v1/keys/{tenant.KeyId}/sign", token, OneItem())).Status);

        Assert.Equal(HttpStatusCode.NoContent, (await service.CallAsync(HttpMethod.Delete, $"/v1/tokens/{tokenId}", tenant.KeyAdmin)).Status);

        var (status, body) = await service.CallAsync(HttpMethod.Post, $"/v1/keys/{tenant.KeyId}/sign", token, OneItem());
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("authentication failed", body!["error"]!.GetValue<string>());
        var (_, audit) = await service.CallAsync(HttpMethod.Get, "/v1/audit?limit=500&after=0", service.AdminToken);
        Assert.Contains(audit!["records"]!.AsArray(), r => r!["record"]!["detail"]?.GetValue<string>() == $"revoked API token {tokenId}");
    }

    [Fact]
    public async Task Expired_token_is_refused()
    {
        var tenant = await service.CreateTenantAsync("expired");
        var token = ApiTokens.Create();
        service.Secret(token);
        var store = ServiceStoreFactory.Create("sqlite", $"Data Source={service.Files.Database}");
        var past = DateTimeOffset.UtcNow.AddHours(-2);
        await store.AddTokenAsync(new TokenRecord(ApiTokens.NewId("tok_"), tenant.Subscriber, Roles.Signer, null, ApiTokens.Hash(token), past.AddHours(1), null, past), CancellationToken.None);

        var (status, _) = await service.CallAsync(HttpMethod.Post, $"/v1/keys/{tenant.KeyId}/sign", token, OneItem());

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task Token_scoped_to_one_key_cannot_see_the_subscribers_other_keys()
    {
        var tenant = await service.CreateTenantAsync("scoped");
        var second = await service.CreateKeyAsync(tenant.KeyAdmin, name: "second");
        await service.InstallCertificateAsync(tenant.KeyAdmin, second.KeyId, second.Csr);
        var (_, scoped) = await service.CreateTokenAsync(tenant.Subscriber, "signer", tenant.KeyAdmin, keys: [tenant.KeyId]);

        Assert.Equal(HttpStatusCode.OK, (await service.CallAsync(HttpMethod.Post, $"/v1/keys/{tenant.KeyId}/sign", scoped, OneItem())).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await service.CallAsync(HttpMethod.Post, $"/v1/keys/{second.KeyId}/sign", scoped, OneItem())).Status);
        var (_, list) = await service.CallAsync(HttpMethod.Get, "/v1/keys", scoped);
        Assert.Equal([tenant.KeyId], list!["keys"]!.AsArray().Select(k => k!["keyId"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer bst_not-a-real-token")]
    [InlineData("Bearer ")]
    public async Task Missing_or_unknown_credentials_get_401(string? header)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/keys");
        if (header is not null) request.Headers.TryAddWithoutValidation("Authorization", header);
        using var response = await service.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("{\"error\":\"authentication failed\"}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Token_request_without_lifetime_or_with_a_bad_role_is_refused_clearly()
    {
        var tenant = await service.CreateTenantAsync("token-requests");
        var (status, body) = await service.CallAsync(HttpMethod.Post, $"/v1/subscribers/{tenant.Subscriber}/tokens", tenant.KeyAdmin, new { role = "signer" });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("expiresInSeconds is required", body!["error"]!.GetValue<string>());
        (status, body) = await service.CallAsync(HttpMethod.Post, $"/v1/subscribers/{tenant.Subscriber}/tokens", tenant.KeyAdmin, new { role = "service-admin", expiresInSeconds = 600 });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("role must be key-admin, signer or auditor", body!["error"]!.GetValue<string>());
    }
}
