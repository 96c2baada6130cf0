using BuildSign.Server.Api;
using BuildSign.Server.Audit;
using BuildSign.Server.Identity;
using BuildSign.Server.Signing;

namespace BuildSign.Server.Endpoints;

/// <summary>POST /v1/oidc/session: an OIDC token (spent once) for a session token the run's further requests use.</summary>
public static class OidcSessionEndpoints
{
    /// <summary>Maps the route.</summary>
    public static void Map(RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        v1.MapPost("/oidc/session", CreateAsync).WithName("CreateOidcSession").Produces<OidcSessionResponse>().Produces<ErrorResponse>(403);
    }

    private static async Task<IResult> CreateAsync(HttpContext context, ServiceKeyring keyring, AuditLog audit, TimeProvider time)
    {
        var caller = context.Caller();
        if (!caller.IsOidc || caller.Expires is null)
        {
            return ApiErrors.Forbidden("only an OIDC token can be exchanged for a session");
        }
        var expires = caller.Expires.Value < time.GetUtcNow().AddMinutes(60) ? caller.Expires.Value : time.GetUtcNow().AddMinutes(60);
        var token = await Task.Run(() => OidcSessionTokens.Issue(caller, expires, keyring));
        await audit.AppendAsync(new AuditEvent { Action = "oidc-session", Result = "ok", Credential = caller.Credential, Detail = $"until {expires:O}", Client = context.ClientAddress() }, context.RequestAborted);
        return Results.Json(new OidcSessionResponse(token, expires));
    }
}

/// <summary>A session token for an OIDC identity, valid until <see cref="Expires"/>.</summary>
public sealed record OidcSessionResponse(string Token, DateTimeOffset Expires);
