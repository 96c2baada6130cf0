using System.Net;
using System.Security.Cryptography;

namespace BuildSign.Server.Tests;

/// <summary>
/// Every endpoint × every role × own key, another subscriber's key and a key that does not exist: only
/// the allowed combinations succeed, and another subscriber's key is answered exactly like a missing one.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class AccessControlTests(ServiceFixture service)
{
    private enum Target { Own, Other, Missing }

    [Fact]
    public async Task Only_allowed_role_and_key_combinations_succeed_and_refusals_reveal_nothing()
    {
        var a = await service.CreateTenantAsync("access-a");
        var b = await service.CreateTenantAsync("access-b");
        var spareOwn = await service.CreateKeyAsync(a.KeyAdmin, name: "spare-a");
        var spareOther = await service.CreateKeyAsync(b.KeyAdmin, name: "spare-b");
        var roles = new Dictionary<string, string>
        {
            ["service-admin"] = service.AdminToken,
            ["key-admin"] = a.KeyAdmin,
            ["signer"] = a.Signer,
            ["auditor"] = a.Auditor,
        };
        var digest = Convert.ToBase64String(SHA256.HashData("access"u8));
        var sign = new { items = new[] { new { digestAlgorithm = "sha256", digest, file = "a.dll" } } };
        var endpoints = new (string Name, HttpMethod Method, Func<string, string> Path, object? Body, string[] Allowed)[]
        {
            ("get key", HttpMethod.Get, k => $"/v1/keys/{k}", null, ["key-admin", "signer", "auditor"]),
            ("sign", HttpMethod.Post, k => $"/v1/keys/{k}/sign", sign, ["signer"]),
            ("install certificate", HttpMethod.Put, k => $"/v1/keys/{k}/certificate", new { certificateChain = "not a certificate" }, ["key-admin"]),
            ("oidc policy", HttpMethod.Put, k => $"/v1/keys/{k}/oidc-policy", new { issuer = service.Issuer.GitHub, claims = new Dictionary<string, string> { ["repository"] = "contoso/app" } }, ["key-admin"]),
            ("disable", HttpMethod.Post, k => $"/v1/keys/{k}/disable", new { }, ["key-admin"]),
        };
        var failures = new List<string>();
        var notFoundBodies = new HashSet<string>();
        foreach (var (name, method, path, body, allowed) in endpoints)
        {
            foreach (var (role, token) in roles)
            {
                foreach (var target in Enum.GetValues<Target>())
                {
                    var isDisable = name == "disable";
                    var keyId = target switch
                    {
                        Target.Own => isDisable ? spareOwn.KeyId : a.KeyId,
                        Target.Other => isDisable ? spareOther.KeyId : b.KeyId,
                        _ => "key_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10)),
                    };
                    var (status, answer) = await service.CallAsync(method, path(keyId), token, body);
                    var expected = target != Target.Own || role == "service-admin" ? "404"
                        : allowed.Contains(role) ? "allowed" : "403";
                    var actual = status switch
                    {
                        HttpStatusCode.NotFound => "404",
                        HttpStatusCode.Forbidden => "403",
                        HttpStatusCode.OK => "allowed",
                        HttpStatusCode.BadRequest when name == "install certificate" => "allowed", // reached the content check
                        _ => $"{(int)status}",
                    };
                    if (expected != actual)
                    {
                        failures.Add($"{name} as {role} on {target} key: expected {expected}, got {(int)status} {answer?.ToJsonString()}");
                    }
                    if (status == HttpStatusCode.NotFound)
                    {
                        notFoundBodies.Add(answer!.ToJsonString());
                    }
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(["{\"error\":\"no such key\"}"], notFoundBodies);

        // Listing shows a subscriber's own keys only; the service admin sees no subscriber's keys.
        foreach (var (role, token) in roles)
        {
            var (status, list) = await service.CallAsync(HttpMethod.Get, "/v1/keys", token);
            Assert.Equal(HttpStatusCode.OK, status);
            var ids = list!["keys"]!.AsArray().Select(k => k!["keyId"]!.GetValue<string>()).ToList();
            Assert.DoesNotContain(b.KeyId, ids);
            Assert.DoesNotContain(spareOther.KeyId, ids);
            Assert.Equal(role != "service-admin", ids.Contains(a.KeyId));
        }
    }

    [Fact]
    public async Task Tokens_subscribers_and_audit_are_kept_to_their_roles()
    {
        var a = await service.CreateTenantAsync("roles-a");
        var b = await service.CreateTenantAsync("roles-b");
        var roles = new Dictionary<string, string> { ["service-admin"] = service.AdminToken, ["key-admin"] = a.KeyAdmin, ["signer"] = a.Signer, ["auditor"] = a.Auditor };
        var failures = new List<string>();
        foreach (var (role, token) in roles)
        {
            Expect("create subscriber", await service.CallAsync(HttpMethod.Post, "/v1/subscribers", token, new { name = "x" }), role == "service-admin" ? HttpStatusCode.Created : HttpStatusCode.Forbidden);
            Expect("create token (own subscriber)", await service.CallAsync(HttpMethod.Post, $"/v1/subscribers/{a.Subscriber}/tokens", token, new { role = "signer", expiresInSeconds = 600 }),
                role is "service-admin" or "key-admin" ? HttpStatusCode.Created : HttpStatusCode.Forbidden);
            Expect("create token (other subscriber)", await service.CallAsync(HttpMethod.Post, $"/v1/subscribers/{b.Subscriber}/tokens", token, new { role = "signer", expiresInSeconds = 600 }),
                role == "service-admin" ? HttpStatusCode.Created : role == "key-admin" ? HttpStatusCode.NotFound : HttpStatusCode.Forbidden);
            Expect("read audit", await service.CallAsync(HttpMethod.Get, "/v1/audit", token), role is "service-admin" or "auditor" ? HttpStatusCode.OK : HttpStatusCode.Forbidden);
            Expect("create key", await service.CallAsync(HttpMethod.Post, "/v1/keys", token, new { name = "k", algorithm = "ecdsa-p256" }), role == "key-admin" ? HttpStatusCode.Created : HttpStatusCode.Forbidden);

            void Expect(string what, (HttpStatusCode Status, System.Text.Json.Nodes.JsonNode? Body) answer, HttpStatusCode expected)
            {
                if (answer.Status == HttpStatusCode.Created && answer.Body?["token"] is { } t) service.Secret(t.GetValue<string>());
                if (answer.Status != expected) failures.Add($"{what} as {role}: expected {(int)expected}, got {(int)answer.Status} {answer.Body?.ToJsonString()}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));

        // An auditor sees its own subscriber's records only.
        var (_, page) = await service.CallAsync(HttpMethod.Get, "/v1/audit?limit=500", a.Auditor);
        Assert.All(page!["records"]!.AsArray(), r => Assert.Equal(a.Subscriber, r!["record"]!["subscriber"]!.GetValue<string>()));
    }
}
