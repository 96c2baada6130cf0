using System.Net;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace BuildSign.Server.Tests;

/// <summary>
/// OIDC tokens from CI, checked against local issuers on 127.0.0.1 that serve discovery and JWKS like
/// GitHub's and Azure DevOps': the right token signs; wrong issuer, audience, signature, kid, alg,
/// expiry, not-before, claims or a replayed jti are refused.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class OidcTests(ServiceFixture service)
{
    private static readonly Dictionary<string, object> GitHubClaims = new()
    {
        ["sub"] = "repo:contoso/app:ref:refs/heads/main",
        ["repository"] = "contoso/app",
        ["ref"] = "refs/heads/main",
        ["run_id"] = "4242",
        ["workflow"] = "release",
    };

    private static object Batch() => new { items = new[] { new { digestAlgorithm = "sha256", digest = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), file = "ci.dll" } } };

    private async Task<Tenant> TenantWithPolicyAsync(string issuer, Dictionary<string, string> claims)
    {
        var tenant = await service.CreateTenantAsync("oidc-" + Guid.NewGuid().ToString("N")[..6]);
        var (status, body) = await service.CallAsync(HttpMethod.Put, $"/v1/keys/{tenant.KeyId}/oidc-policy", tenant.KeyAdmin, new { issuer, claims });
        Assert.True(status == HttpStatusCode.OK, body?.ToJsonString());
        return tenant;
    }

    private async Task<HttpStatusCode> SignWith(Tenant tenant, string jwt)
    {
        service.Secret(jwt);
        return (await service.CallAsync(HttpMethod.Post, $"/v1/keys/{tenant.KeyId}/sign", jwt, Batch())).Status;
    }

    [Fact]
    public async Task GitHub_token_matching_the_key_policy_signs_and_the_audit_names_the_run()
    {
        var tenant = await TenantWithPolicyAsync(service.Issuer.GitHub, new() { ["repository"] = "contoso/app", ["ref"] = "refs/heads/*" });

        Assert.Equal(HttpStatusCode.OK, await SignWith(tenant, service.Issuer.Mint(service.Issuer.GitHub, GitHubClaims)));

        var (_, audit) = await service.CallAsync(HttpMethod.Get, $"/v1/audit?key={tenant.KeyId}", tenant.Auditor);
        var record = audit!["records"]!.AsArray().Last(r => r!["action"]!.GetValue<string>() == "sign")!["record"]!;
        Assert.Equal($"oidc:{service.Issuer.GitHub}#repo:contoso/app:ref:refs/heads/main", record["credential"]!.GetValue<string>());
        Assert.Equal("4242", record["ci"]!["oidc.run_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Azure_DevOps_service_connection_subject_is_bound_to_its_key()
    {
        var tenant = await TenantWithPolicyAsync(service.Issuer.AzureDevOps, new() { ["sub"] = "sc://contoso/app/signing" });
        Assert.Equal(HttpStatusCode.OK, await SignWith(tenant, service.Issuer.Mint(service.Issuer.AzureDevOps, new Dictionary<string, object> { ["sub"] = "sc://contoso/app/signing" })));
        Assert.Equal(HttpStatusCode.NotFound, await SignWith(tenant, service.Issuer.Mint(service.Issuer.AzureDevOps, new Dictionary<string, object> { ["sub"] = "sc://contoso/other/signing" })));
        // A GitHub identity never matches a policy written for Azure DevOps.
        Assert.Equal(HttpStatusCode.NotFound, await SignWith(tenant, service.Issuer.Mint(service.Issuer.GitHub, new Dictionary<string, object> { ["sub"] = "sc://contoso/app/signing" })));
    }

    [Fact]
    public async Task Bad_tokens_are_refused()
    {
        var tenant = await TenantWithPolicyAsync(service.Issuer.GitHub, new() { ["repository"] = "contoso/app" });
        var issuer = service.Issuer;
        using var stranger = RSA.Create(2048);
        var cases = new Dictionary<string, (string Jwt, HttpStatusCode Expected)>
        {
            ["untrusted issuer"] = (issuer.Mint(issuer.GitHub, GitHubClaims, d => d.Issuer = issuer.BaseUrl + "/evil"), HttpStatusCode.Unauthorized),
            ["wrong audience"] = (issuer.Mint(issuer.GitHub, GitHubClaims, audience: "someone-else"), HttpStatusCode.Unauthorized),
            ["bad signature"] = (Tamper(issuer.Mint(issuer.GitHub, GitHubClaims)), HttpStatusCode.Unauthorized),
            ["unknown kid"] = (issuer.Mint(issuer.GitHub, GitHubClaims, d => d.SigningCredentials = new SigningCredentials(new RsaSecurityKey(stranger) { KeyId = "kid-unknown" }, SecurityAlgorithms.RsaSha256)), HttpStatusCode.Unauthorized),
            ["stranger's key under the issuer's kid"] = (issuer.Mint(issuer.GitHub, GitHubClaims, d => d.SigningCredentials = new SigningCredentials(new RsaSecurityKey(stranger) { KeyId = "kid-github" }, SecurityAlgorithms.RsaSha256)), HttpStatusCode.Unauthorized),
            ["alg RS384"] = (issuer.Mint(issuer.GitHub, GitHubClaims, d => d.SigningCredentials = new SigningCredentials(d.SigningCredentials.Key, SecurityAlgorithms.RsaSha384)), HttpStatusCode.Unauthorized),
            ["alg none"] = (issuer.Unsigned(issuer.GitHub, GitHubClaims), HttpStatusCode.Unauthorized),
            ["alg HS256 with the public key"] = (issuer.HmacWithPublicKey(issuer.GitHub, GitHubClaims), HttpStatusCode.Unauthorized),
            ["expired"] = (issuer.Mint(issuer.GitHub, GitHubClaims, d => { d.IssuedAt = DateTime.UtcNow.AddMinutes(-20); d.NotBefore = DateTime.UtcNow.AddMinutes(-20); d.Expires = DateTime.UtcNow.AddMinutes(-10); }), HttpStatusCode.Unauthorized),
            ["not yet valid"] = (issuer.Mint(issuer.GitHub, GitHubClaims, d => { d.NotBefore = DateTime.UtcNow.AddMinutes(10); d.Expires = DateTime.UtcNow.AddMinutes(20); }), HttpStatusCode.Unauthorized),
            ["other repository"] = (issuer.Mint(issuer.GitHub, new Dictionary<string, object>(GitHubClaims) { ["repository"] = "contoso/fork" }), HttpStatusCode.NotFound),
        };
        var failures = new List<string>();
        foreach (var (name, (jwt, expected)) in cases)
        {
            var status = await SignWith(tenant, jwt);
            if (status != expected) failures.Add($"{name}: expected {(int)expected}, got {(int)status}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task A_token_is_accepted_once_and_its_replay_is_refused()
    {
        var tenant = await TenantWithPolicyAsync(service.Issuer.GitHub, new() { ["repository"] = "contoso/app" });
        var jwt = service.Issuer.Mint(service.Issuer.GitHub, GitHubClaims);
        Assert.Equal(HttpStatusCode.OK, await SignWith(tenant, jwt));
        Assert.Equal(HttpStatusCode.Unauthorized, await SignWith(tenant, jwt));
    }

    [Fact]
    public async Task The_CLI_signs_with_one_OIDC_token_for_the_whole_run_through_a_session()
    {
        var tenant = await TenantWithPolicyAsync(service.Issuer.GitHub, new() { ["repository"] = "contoso/app" });
        using var work = new BuildSign.Testing.TempDirectory("buildsign-oidc-cli");
        var files = new[] { work.File("a.txt"), work.File("b.txt") };
        foreach (var file in files) File.WriteAllText(file, file);
        var jwt = service.Issuer.Mint(service.Issuer.GitHub, GitHubClaims);
        service.Secret(jwt);

        var sign = service.Cli(new Dictionary<string, string?> { ["BUILDSIGN_TOKEN"] = jwt }, ["sign", "--key", $"{service.Service.Url.AbsoluteUri.TrimEnd('/')}/v1/keys/{tenant.KeyId}", .. files]);

        Assert.True(sign.ExitCode == 0, sign.Output);
        Assert.All(files, f => Assert.True(File.Exists(f + ".p7s")));
        // The OIDC token itself is spent: presenting it again is a replay.
        Assert.Equal(HttpStatusCode.Unauthorized, await SignWith(tenant, jwt));
    }

    [Fact]
    public async Task Policies_without_claims_are_refused()
    {
        var tenant = await service.CreateTenantAsync("oidc-policy-bad");
        var (status, body) = await service.CallAsync(HttpMethod.Put, $"/v1/keys/{tenant.KeyId}/oidc-policy", tenant.KeyAdmin, new { issuer = service.Issuer.GitHub, claims = new Dictionary<string, string>() });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("at least one claim", body!["error"]!.GetValue<string>());
    }

    // Changes one character of the payload: the signature no longer matches.
    private static string Tamper(string jwt)
    {
        var parts = jwt.Split('.');
        var payload = Base64UrlEncoder.Decode(parts[1]).Replace("contoso/app", "contoso/apq", StringComparison.Ordinal);
        return $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}";
    }
}
