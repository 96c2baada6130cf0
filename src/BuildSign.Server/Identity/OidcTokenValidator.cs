using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using BuildSign.Server.Hosting;
using BuildSign.Server.Storage;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BuildSign.Server.Identity;

/// <summary>
/// Checks OpenID Connect tokens from CI against the trusted issuers: signature with a key from the
/// issuer's JWKS (fetched, cached, refetched at most once a minute for an unknown <c>kid</c>), the
/// issuer's pinned algorithm only (<c>none</c> and HMAC never), issuer, audience, expiry, not-before,
/// and a <c>jti</c> never seen before within the token's lifetime.
/// </summary>
public sealed class OidcTokenValidator
{
    private static readonly TimeSpan CacheLifetime = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan RefetchInterval = TimeSpan.FromMinutes(1);

    private readonly Dictionary<string, TrustedIssuer> _issuers;
    private readonly IServiceStore _store;
    private readonly TimeProvider _time;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    /// <summary>Trusts the configured issuers.</summary>
    public OidcTokenValidator(IEnumerable<OidcIssuerOptions> issuers, IServiceStore store, TimeProvider time)
    {
        _store = store;
        _time = time;
        _issuers = issuers.ToDictionary(i => i.Issuer.TrimEnd('/'), i => new TrustedIssuer(i), StringComparer.Ordinal);
    }

    /// <summary>Whether a bearer credential has the shape of a JWT (three base64url parts).</summary>
    public static bool LooksLikeJwt(string credential) => credential.Count(c => c == '.') == 2 && !credential.StartsWith(ApiTokens.Prefix, StringComparison.Ordinal) && !credential.StartsWith(OidcSessionTokens.Prefix, StringComparison.Ordinal);

    /// <summary>The caller the token identifies, or the reason it is refused (never containing the token).</summary>
    public async Task<(Caller? Caller, string? Refusal)> ValidateAsync(string jwt, CancellationToken cancellationToken)
    {
        JsonWebToken token;
        try
        {
            token = new JsonWebToken(jwt);
        }
        catch (ArgumentException)
        {
            return (null, "malformed OIDC token");
        }
        if (!_issuers.TryGetValue(token.Issuer.TrimEnd('/'), out var issuer))
        {
            return (null, "OIDC token from an issuer that is not trusted");
        }
        var alg = token.Alg ?? "";
        if (alg.Equals("none", StringComparison.OrdinalIgnoreCase) || alg.StartsWith("HS", StringComparison.OrdinalIgnoreCase) || alg != issuer.Options.Algorithm)
        {
            return (null, $"OIDC token algorithm '{alg}' is not the issuer's ({issuer.Options.Algorithm})");
        }
        var keys = await issuer.KeysAsync(token.Kid, _time, cancellationToken).ConfigureAwait(false);
        if (keys is null)
        {
            return (null, "the issuer's signing keys could not be fetched");
        }
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = token.Issuer,
            ValidAudience = issuer.Options.Audience,
            IssuerSigningKeys = keys,
            ValidAlgorithms = [issuer.Options.Algorithm],
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateLifetime = true,
            ClockSkew = TimeSpan.FromSeconds(30),
            TryAllIssuerSigningKeys = false,
            LifetimeValidator = (notBefore, expires, _, _) =>
            {
                var now = _time.GetUtcNow().UtcDateTime;
                return expires is { } e && e.AddSeconds(30) > now && (notBefore is not { } nb || nb.AddSeconds(-30) <= now);
            },
        };
        var result = await _handler.ValidateTokenAsync(jwt, parameters).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return (null, "OIDC token refused: " + Describe(result.Exception));
        }
        var jti = token.Id;
        if (string.IsNullOrEmpty(jti))
        {
            return (null, "OIDC token has no jti");
        }
        if (!await _store.RememberTokenIdAsync(issuer.Options.Issuer, jti, new DateTimeOffset(token.ValidTo, TimeSpan.Zero).AddSeconds(60), cancellationToken).ConfigureAwait(false))
        {
            return (null, "OIDC token was used before (jti replay)");
        }
        var claims = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var claim in token.Claims)
        {
            claims.TryAdd(claim.Type, claim.Value);
        }
        return (new Caller
        {
            Expires = new DateTimeOffset(token.ValidTo, TimeSpan.Zero),
            Credential = $"oidc:{token.Issuer}#{token.Subject}",
            Role = Roles.Signer,
            Issuer = issuer.Options.Issuer,
            Claims = claims,
        }, null);
    }

    private static string Describe(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException => "expired",
        SecurityTokenNotYetValidException => "not yet valid (nbf)",
        SecurityTokenInvalidAudienceException => "wrong audience",
        SecurityTokenInvalidIssuerException => "wrong issuer",
        SecurityTokenSignatureKeyNotFoundException => "unknown signing key (kid)",
        SecurityTokenInvalidSignatureException => "bad signature",
        SecurityTokenInvalidAlgorithmException => "algorithm not allowed",
        SecurityTokenInvalidLifetimeException => "expired or not yet valid",
        null => "invalid",
        _ => "invalid (" + exception.GetType().Name.Replace("SecurityToken", "", StringComparison.Ordinal).Replace("Exception", "", StringComparison.Ordinal) + ")",
    };

    private sealed class TrustedIssuer
    {
        private readonly SemaphoreSlim _fetch = new(1, 1);
        private readonly HttpClient _http;
        private IReadOnlyList<SecurityKey>? _keys;
        private DateTimeOffset _fetched = DateTimeOffset.MinValue;

        public TrustedIssuer(OidcIssuerOptions options)
        {
            Options = options;
            var handler = new HttpClientHandler();
            if (!string.IsNullOrEmpty(options.CaFile))
            {
                var roots = new X509Certificate2Collection();
                roots.ImportFromPemFile(options.CaFile);
                handler.ServerCertificateCustomValidationCallback = (_, certificate, _, errors) =>
                {
                    if (certificate is null) return false;
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.AddRange(roots);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(certificate) && (errors & ~System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors) == 0;
                };
            }
            _http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
        }

        public OidcIssuerOptions Options { get; }

        public async Task<IReadOnlyList<SecurityKey>?> KeysAsync(string? kid, TimeProvider time, CancellationToken cancellationToken)
        {
            var now = time.GetUtcNow();
            var known = _keys is not null && (kid is null || _keys.Any(k => k.KeyId == kid));
            if (_keys is not null && known && now - _fetched < CacheLifetime)
            {
                return _keys;
            }
            if (_keys is not null && now - _fetched < RefetchInterval)
            {
                return _keys; // an unknown kid may not force a fetch more than once a minute
            }
            await _fetch.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var jwksUri = Options.JwksUri;
                if (string.IsNullOrEmpty(jwksUri))
                {
                    using var discovery = await _http.GetFromJsonAsync<JsonDocument>(Options.Issuer.TrimEnd('/') + "/.well-known/openid-configuration", cancellationToken).ConfigureAwait(false);
                    jwksUri = discovery?.RootElement.GetProperty("jwks_uri").GetString();
                }
                var json = await _http.GetStringAsync(jwksUri, cancellationToken).ConfigureAwait(false);
                var set = new JsonWebKeySet(json);
                // Only asymmetric keys: a symmetric key in a JWKS would let HMAC tokens in.
                _keys = [.. set.GetSigningKeys().Where(k => k is not SymmetricSecurityKey)];
                _fetched = now;
                return _keys;
            }
            catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException or ArgumentException or KeyNotFoundException or InvalidOperationException)
            {
                return _keys;
            }
            finally
            {
                _fetch.Release();
            }
        }
    }
}
