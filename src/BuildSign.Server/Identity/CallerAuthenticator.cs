using BuildSign.Server.Audit;
using BuildSign.Server.Storage;

namespace BuildSign.Server.Identity;

/// <summary>
/// Turns the Authorization header into a <see cref="Caller"/>: an API token (looked up by its hash;
/// expired and revoked ones refused) or an OIDC token from a trusted issuer. Failures are audited with
/// the reason and the client address, never the credential, and rate-limited per address.
/// </summary>
public sealed class CallerAuthenticator(IServiceStore store, OidcTokenValidator oidc, FailedAuthenticationLimiter limiter, AuditLog audit, TimeProvider time, Endpoints.ServiceMetrics metrics, Signing.ServiceKeyring keyring)
{
    /// <summary>The caller, or the response to send instead (401 or 429).</summary>
    public async Task<(Caller? Caller, IResult? Failure)> AuthenticateAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (limiter.IsBlocked(address))
        {
            return (null, ApiErrors.Status(StatusCodes.Status429TooManyRequests, "too many failed authentications from this address; try again in a minute"));
        }
        var header = context.Request.Headers.Authorization.ToString();
        string? refusal;
        Caller? caller = null;
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal) || header.Length <= 7)
        {
            refusal = "no bearer credential";
        }
        else
        {
            var credential = header[7..].Trim();
            if (credential.StartsWith(OidcSessionTokens.Prefix, StringComparison.Ordinal))
            {
                caller = OidcSessionTokens.Read(credential, keyring, time);
                refusal = caller is null ? "invalid or expired OIDC session token" : null;
            }
            else if (OidcTokenValidator.LooksLikeJwt(credential))
            {
                (caller, refusal) = await oidc.ValidateAsync(credential, context.RequestAborted).ConfigureAwait(false);
            }
            else
            {
                var token = await store.FindTokenByHashAsync(ApiTokens.Hash(credential), context.RequestAborted).ConfigureAwait(false);
                refusal = token switch
                {
                    null => "unknown API token",
                    { Revoked: not null } => $"revoked API token {token.Id}",
                    _ when token.Expires <= time.GetUtcNow() => $"expired API token {token.Id}",
                    _ => null,
                };
                if (refusal is null)
                {
                    caller = new Caller { Credential = $"token:{token!.Id}", Role = token.Role, SubscriberId = token.SubscriberId, KeyIds = token.KeyIds };
                }
            }
        }
        if (caller is not null)
        {
            return (caller, null);
        }
        limiter.Fail(address);
        metrics.AuthenticationFailure();
        await audit.AppendAsync(new AuditEvent { Action = "authentication", Result = "refused", Detail = refusal, Client = address }, context.RequestAborted).ConfigureAwait(false);
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return (null, ApiErrors.Status(StatusCodes.Status401Unauthorized, "authentication failed"));
    }
}
