using BuildSign.Server.Api;
using BuildSign.Server.Audit;
using BuildSign.Server.Hosting;
using BuildSign.Server.Identity;
using BuildSign.Server.Storage;
using Microsoft.Extensions.Options;

namespace BuildSign.Server.Endpoints;

/// <summary>Subscribers and their API tokens.</summary>
public static class SubscriberEndpoints
{
    /// <summary>Maps POST /v1/subscribers, POST /v1/subscribers/{id}/tokens and DELETE /v1/tokens/{id}.</summary>
    public static void Map(RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        v1.MapPost("/subscribers", CreateSubscriberAsync).WithName("CreateSubscriber")
            .Accepts<CreateSubscriberRequest>("application/json").Produces<SubscriberResponse>(StatusCodes.Status201Created).Produces<ErrorResponse>(400);
        v1.MapPost("/subscribers/{id}/tokens", CreateTokenAsync).WithName("CreateToken")
            .Accepts<CreateTokenRequest>("application/json").Produces<TokenResponse>(StatusCodes.Status201Created).Produces<ErrorResponse>(400).Produces<ErrorResponse>(404);
        v1.MapDelete("/tokens/{id}", RevokeTokenAsync).WithName("RevokeToken").Produces(StatusCodes.Status204NoContent).Produces<ErrorResponse>(404);
    }

    private static async Task<IResult> CreateSubscriberAsync(HttpContext context, IServiceStore store, AuditLog audit, TimeProvider time)
    {
        var caller = context.Caller();
        if (caller.Role != Roles.ServiceAdmin)
        {
            return ApiErrors.Forbidden("only a service admin creates subscribers");
        }
        var (request, _, error) = await RequestBody.ReadAsync<CreateSubscriberRequest>(context);
        if (error is not null) return error;
        var name = request!.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200)
        {
            return ApiErrors.BadRequest("name is required (1 to 200 characters)");
        }
        var subscriber = new SubscriberRecord(ApiTokens.NewId("sub_"), name, time.GetUtcNow());
        await store.AddSubscriberAsync(subscriber, context.RequestAborted);
        await audit.AppendAsync(new AuditEvent { Action = "subscriber-create", Result = "ok", Subscriber = subscriber.Id, Credential = caller.Credential, Detail = name, Client = context.ClientAddress() }, context.RequestAborted);
        return Results.Json(new SubscriberResponse(subscriber.Id, subscriber.Name), statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> CreateTokenAsync(string id, HttpContext context, IServiceStore store, AuditLog audit, TimeProvider time, IOptions<ServiceOptions> options)
    {
        var caller = context.Caller();
        var allowed = caller.Role == Roles.ServiceAdmin || (caller.Role == Roles.KeyAdmin && caller.SubscriberId == id);
        var subscriber = allowed ? await store.FindSubscriberAsync(id, context.RequestAborted) : null;
        if (subscriber is null)
        {
            return caller.Role is Roles.ServiceAdmin or Roles.KeyAdmin ? ApiErrors.NotFound("subscriber") : ApiErrors.Forbidden("only a service admin or the subscriber's key admin creates tokens");
        }
        var (request, _, error) = await RequestBody.ReadAsync<CreateTokenRequest>(context);
        if (error is not null) return error;
        if (request!.Role is null || !Roles.SubscriberRoles.Contains(request.Role))
        {
            return ApiErrors.BadRequest("role must be key-admin, signer or auditor");
        }
        var maxLifetime = options.Value.Limits.MaxTokenLifetimeSeconds;
        if (request.ExpiresInSeconds is not { } lifetime || lifetime < 60 || lifetime > maxLifetime)
        {
            return ApiErrors.BadRequest($"expiresInSeconds is required, from 60 to {maxLifetime}");
        }
        IReadOnlyList<string>? keys = null;
        if (request.Keys is { Count: > 0 })
        {
            var own = (await store.ListKeysAsync(id, context.RequestAborted)).Select(k => k.Id).ToHashSet(StringComparer.Ordinal);
            var unknown = request.Keys.FirstOrDefault(k => !own.Contains(k) || (caller.KeyIds is not null && !caller.KeyIds.Contains(k)));
            if (unknown is not null)
            {
                return ApiErrors.BadRequest($"keys: no such key {unknown} for this subscriber");
            }
            keys = [.. request.Keys.Distinct(StringComparer.Ordinal)];
        }
        else if (caller.KeyIds is not null)
        {
            return ApiErrors.BadRequest("a key-scoped key admin must scope new tokens to its keys (keys)");
        }
        var secret = ApiTokens.Create();
        var now = time.GetUtcNow();
        var token = new TokenRecord(ApiTokens.NewId("tok_"), id, request.Role, keys, ApiTokens.Hash(secret), now.AddSeconds(lifetime), null, now);
        await store.AddTokenAsync(token, context.RequestAborted);
        await audit.AppendAsync(new AuditEvent { Action = "token-create", Result = "ok", Subscriber = id, Credential = caller.Credential, Detail = $"{token.Id} {token.Role}", Client = context.ClientAddress() }, context.RequestAborted);
        return Results.Json(new TokenResponse(token.Id, secret, token.Role, id, keys, token.Expires), statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> RevokeTokenAsync(string id, HttpContext context, IServiceStore store, AuditLog audit, TimeProvider time)
    {
        var caller = context.Caller();
        var token = await store.FindTokenAsync(id, context.RequestAborted);
        var allowed = token is not null && (caller.Role == Roles.ServiceAdmin || (caller.Role == Roles.KeyAdmin && caller.SubscriberId is not null && caller.SubscriberId == token.SubscriberId));
        if (!allowed)
        {
            return caller.Role is Roles.ServiceAdmin or Roles.KeyAdmin ? ApiErrors.NotFound("token") : ApiErrors.Forbidden("only a service admin or the subscriber's key admin revokes tokens");
        }
        await store.RevokeTokenAsync(id, time.GetUtcNow(), context.RequestAborted);
        await audit.AppendAsync(new AuditEvent { Action = "token-revoke", Result = "ok", Subscriber = token!.SubscriberId, Credential = caller.Credential, Detail = id, Client = context.ClientAddress() }, context.RequestAborted);
        return Results.NoContent();
    }
}
