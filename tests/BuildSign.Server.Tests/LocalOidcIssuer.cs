using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BuildSign.Server.Tests;

/// <summary>
/// OpenID Connect issuers on 127.0.0.1 (real Kestrel) that serve their own discovery documents and
/// JWKS, like GitHub's and Azure DevOps': each issuer is a path under one listener
/// (<c>/github</c>, <c>/ado/ORG-ID</c>), signing RS256 tokens with its own key.
/// </summary>
public sealed class LocalOidcIssuer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Dictionary<string, RsaSecurityKey> _keys = new(StringComparer.Ordinal);

    private LocalOidcIssuer(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    public string GitHub => BaseUrl + "/github";

    public string AzureDevOps => BaseUrl + "/ado/7f2e6d0a-org";

    public static async Task<LocalOidcIssuer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var issuer = new LocalOidcIssuer(app);
        foreach (var path in (string[])["/github", "/ado/7f2e6d0a-org"])
        {
            var key = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "kid-" + path.Trim('/').Replace('/', '-') };
            issuer._keys[path] = key;
            app.MapGet(path + "/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
            {
                ["issuer"] = issuer.BaseUrl + path,
                ["jwks_uri"] = issuer.BaseUrl + path + "/.well-known/jwks",
                ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            }));
            app.MapGet(path + "/.well-known/jwks", () =>
            {
                var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(key.Rsa.ExportParameters(false)) { KeyId = key.KeyId });
                jwk.Alg = "RS256";
                jwk.Use = "sig";
                return Results.Text($"{{\"keys\":[{{\"kty\":\"RSA\",\"kid\":\"{jwk.Kid}\",\"use\":\"sig\",\"alg\":\"RS256\",\"n\":\"{jwk.N}\",\"e\":\"{jwk.E}\"}}]}}", "application/json");
            });
        }
        await app.StartAsync();
        issuer.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return issuer;
    }

    /// <summary>A token from <paramref name="issuerUrl"/>, with claims; <paramref name="tweak"/> changes the descriptor for attacks.</summary>
    public string Mint(string issuerUrl, IDictionary<string, object> claims, Action<SecurityTokenDescriptor>? tweak = null, string audience = "buildsign-test")
    {
        var path = issuerUrl[BaseUrl.Length..];
        var now = DateTime.UtcNow;
        var all = new Dictionary<string, object>(claims) { ["jti"] = Guid.NewGuid().ToString("N") };
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuerUrl,
            Audience = audience,
            IssuedAt = now,
            NotBefore = now.AddSeconds(-5),
            Expires = now.AddMinutes(5),
            Claims = all,
            SigningCredentials = new SigningCredentials(_keys[path], SecurityAlgorithms.RsaSha256),
        };
        tweak?.Invoke(descriptor);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>An unsigned token (<c>alg: none</c>) with the given claims.</summary>
    public string Unsigned(string issuerUrl, IDictionary<string, object> claims)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var payload = new Dictionary<string, object>(claims) { ["iss"] = issuerUrl, ["aud"] = "buildsign-test", ["exp"] = now + 300, ["nbf"] = now - 5, ["jti"] = Guid.NewGuid().ToString("N") };
        return Base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + Base64Url(System.Text.Json.JsonSerializer.Serialize(payload)) + ".";
    }

    /// <summary>An HS256 token whose HMAC secret is the issuer's public modulus (the classic key-confusion attack).</summary>
    public string HmacWithPublicKey(string issuerUrl, IDictionary<string, object> claims) =>
        Mint(issuerUrl, claims, d => d.SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(_keys[issuerUrl[BaseUrl.Length..]].Rsa.ExportParameters(false).Modulus!) { KeyId = _keys[issuerUrl[BaseUrl.Length..]].KeyId }, SecurityAlgorithms.HmacSha256));

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private static string Base64Url(string text) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(text));
}
