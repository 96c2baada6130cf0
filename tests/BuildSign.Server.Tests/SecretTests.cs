using System.Net;
using System.Text;
using BuildSign.Testing;

namespace BuildSign.Server.Tests;

/// <summary>
/// No secret — API token, token PIN, OIDC JWT — appears in any response, CLI output, service log,
/// audit export, or the database: the suite checks everything it saw for every secret it used.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class SecretTests(ServiceFixture service)
{
    [Fact]
    public async Task No_secret_appears_in_any_output_log_export_or_database()
    {
        var tenant = await service.CreateTenantAsync("secrets");
        using var work = new TempDirectory("buildsign-secrets");
        File.WriteAllText(work.File("a.txt"), "a");
        var keyUrl = $"{service.Service.Url.AbsoluteUri.TrimEnd('/')}/v1/keys/{tenant.KeyId}";
        service.Cli(new Dictionary<string, string?> { ["BUILDSIGN_TOKEN"] = tenant.Signer }, "sign", "--key", keyUrl, work.File("a.txt"));
        service.Cli(new Dictionary<string, string?> { ["BUILDSIGN_TOKEN"] = tenant.Signer + "x" }, "sign", "--key", keyUrl, work.File("a.txt"));
        service.Cli(new Dictionary<string, string?> { ["BUILDSIGN_TOKEN"] = tenant.KeyAdmin }, "service", "token", "create", "--url", service.Service.Url.AbsoluteUri, "--subscriber", tenant.Subscriber, "--role", "signer", "--out", work.File("new.token"));
        service.Secret(File.ReadAllText(work.File("new.token")).Trim());
        Assert.Equal(HttpStatusCode.Unauthorized, (await service.CallAsync(HttpMethod.Get, "/v1/keys", tenant.Signer + "x")).Status);
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/v1/audit/export"))
        {
            request.Headers.Authorization = new("Bearer", service.AdminToken);
            using var response = await service.Http.SendAsync(request);
            service.Shown(await response.Content.ReadAsStringAsync());
        }

        var database = Encoding.UTF8.GetString(File.ReadAllBytes(service.Files.Database)) + Encoding.UTF8.GetString(File.Exists(service.Files.Database + "-wal") ? File.ReadAllBytes(service.Files.Database + "-wal") : []);
        var shown = service.EverythingShown;
        Assert.True(service.Secrets.Count >= 5);
        foreach (var secret in service.Secrets)
        {
            Assert.False(shown.Contains(secret, StringComparison.Ordinal), $"a secret ({secret[..6]}…) was shown");
            Assert.False(database.Contains(secret, StringComparison.Ordinal), $"a secret ({secret[..6]}…) is in the database");
        }
    }
}
