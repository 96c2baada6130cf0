using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using BuildSign.Core.Keys.Pkcs11.Vault;
using BuildSign.Server.Api;
using BuildSign.Server.Audit;
using BuildSign.Server.Identity;
using BuildSign.Server.Signing;
using BuildSign.Server.Storage;

namespace BuildSign.Server.Endpoints;

/// <summary>Key generation, reading, certificate installation, OIDC policy and disabling.</summary>
public static class KeyEndpoints
{
    private const string CodeSigningOid = "1.3.6.1.5.5.7.3.3";
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    /// <summary>Maps the /v1/keys routes except signing.</summary>
    public static void Map(RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        v1.MapPost("/keys", CreateKeyAsync).WithName("CreateKey")
            .Accepts<CreateKeyRequest>("application/json").Produces<CreatedKeyResponse>(StatusCodes.Status201Created).Produces<ErrorResponse>(400).Produces<ErrorResponse>(403);
        v1.MapGet("/keys", ListKeysAsync).WithName("ListKeys").Produces<KeyListResponse>();
        v1.MapGet("/keys/{keyId}", GetKeyAsync).WithName("GetKey").Produces<KeyResponse>().Produces<ErrorResponse>(404);
        v1.MapPut("/keys/{keyId}/certificate", InstallCertificateAsync).WithName("InstallCertificate")
            .Accepts<InstallCertificateRequest>("application/json").Produces<KeyResponse>().Produces<ErrorResponse>(400).Produces<ErrorResponse>(404);
        v1.MapPut("/keys/{keyId}/oidc-policy", SetOidcPolicyAsync).WithName("SetOidcPolicy")
            .Accepts<OidcPolicy>("application/json").Produces<KeyResponse>().Produces<ErrorResponse>(400).Produces<ErrorResponse>(404);
        v1.MapPost("/keys/{keyId}/disable", DisableKeyAsync).WithName("DisableKey").Produces<KeyResponse>().Produces<ErrorResponse>(404);
    }

    /// <summary>The key as callers see it.</summary>
    public static KeyResponse Describe(KeyRecord key, ServiceKeyring keyring)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(keyring);
        var token = keyring.Vault.Identity;
        return new KeyResponse(key.Id, key.Name, key.Algorithm, key.PublicKey, key.CertificateChainPem,
            $"hsm: generated in token '{token.Label}' ({token.Manufacturer} {token.Model}, serial {token.SerialNumber}), sensitive, never extractable",
            key.Disabled, key.Created);
    }

    /// <summary>
    /// Finds a key the caller may see, or the same 404 as for one that does not exist.
    /// </summary>
    public static async Task<(KeyRecord? Key, IResult? Error)> VisibleKeyAsync(string keyId, Caller caller, IServiceStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var key = keyId.Length is > 0 and <= 64 ? await store.FindKeyAsync(keyId, cancellationToken).ConfigureAwait(false) : null;
        return key is not null && KeyAccess.CanSee(caller, key) ? (key, null) : (null, ApiErrors.NotFound("key"));
    }

    private static async Task<IResult> CreateKeyAsync(HttpContext context, IServiceStore store, ServiceKeyring keyring, AuditLog audit, TimeProvider time)
    {
        var caller = context.Caller();
        if (caller.Role != Roles.KeyAdmin || caller.SubscriberId is null)
        {
            return ApiErrors.Forbidden("only a key admin generates keys");
        }
        if (caller.KeyIds is not null)
        {
            return ApiErrors.Forbidden("a key admin scoped to some keys cannot generate new ones");
        }
        var (request, _, error) = await RequestBody.ReadAsync<CreateKeyRequest>(context);
        if (error is not null) return error;
        var name = request!.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100)
        {
            return ApiErrors.BadRequest("name is required (1 to 100 characters)");
        }
        if (VaultKeyTypes.Parse(request.Algorithm) is not { } type)
        {
            return ApiErrors.BadRequest("algorithm must be rsa-3072, rsa-4096, ecdsa-p256 or ecdsa-p384");
        }
        var subscriber = await store.FindSubscriberAsync(caller.SubscriberId, context.RequestAborted);
        if (subscriber is null)
        {
            return ApiErrors.NotFound("subscriber");
        }
        var keyId = ApiTokens.NewId("key_");
        var generated = await Task.Run(() => keyring.Generate(type, keyId, name, subscriber.Id, subscriber.Name), context.RequestAborted);
        var record = new KeyRecord(keyId, subscriber.Id, name, type.Name(), generated.Pkcs11Id, Convert.ToBase64String(generated.PublicKey), null, false, null, time.GetUtcNow());
        await store.AddKeyAsync(record, context.RequestAborted);
        await audit.AppendAsync(new AuditEvent { Action = "keygen", Result = "ok", Subscriber = subscriber.Id, Key = keyId, Credential = caller.Credential, Detail = $"{type.Name()} {name}", Client = context.ClientAddress() }, context.RequestAborted);
        return Results.Json(new CreatedKeyResponse(keyId, name, type.Name(), record.PublicKey, generated.CsrPem, generated.AttestationJson), statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListKeysAsync(HttpContext context, IServiceStore store, ServiceKeyring keyring)
    {
        var caller = context.Caller();
        if (caller.SubscriberId is null)
        {
            return Results.Json(new KeyListResponse([]));
        }
        var keys = await store.ListKeysAsync(caller.SubscriberId, context.RequestAborted);
        return Results.Json(new KeyListResponse([.. keys.Where(k => KeyAccess.CanSee(caller, k)).Select(k => Describe(k, keyring))]));
    }

    private static async Task<IResult> GetKeyAsync(string keyId, HttpContext context, IServiceStore store, ServiceKeyring keyring)
    {
        var (key, error) = await VisibleKeyAsync(keyId, context.Caller(), store, context.RequestAborted);
        return error ?? Results.Json(Describe(key!, keyring));
    }

    private static async Task<IResult> InstallCertificateAsync(string keyId, HttpContext context, IServiceStore store, ServiceKeyring keyring, AuditLog audit)
    {
        var caller = context.Caller();
        var (key, error) = await VisibleKeyAsync(keyId, caller, store, context.RequestAborted);
        if (error is not null) return error;
        if (caller.Role != Roles.KeyAdmin)
        {
            return ApiErrors.Forbidden("only a key admin installs certificates");
        }
        var (request, _, bodyError) = await RequestBody.ReadAsync<InstallCertificateRequest>(context);
        if (bodyError is not null) return bodyError;
        var problem = CheckChain(request!.CertificateChain, key!, out var normalized);
        await audit.AppendAsync(new AuditEvent { Action = "certificate-install", Result = problem is null ? "ok" : "refused", Subscriber = key!.SubscriberId, Key = key.Id, Credential = caller.Credential, Detail = problem, Client = context.ClientAddress() }, context.RequestAborted);
        if (problem is not null)
        {
            return ApiErrors.BadRequest(problem);
        }
        await store.SetCertificateAsync(key.Id, normalized!, context.RequestAborted);
        return Results.Json(Describe(key with { CertificateChainPem = normalized }, keyring));
    }

    private static async Task<IResult> SetOidcPolicyAsync(string keyId, HttpContext context, IServiceStore store, ServiceKeyring keyring, AuditLog audit)
    {
        var caller = context.Caller();
        var (key, error) = await VisibleKeyAsync(keyId, caller, store, context.RequestAborted);
        if (error is not null) return error;
        if (caller.Role != Roles.KeyAdmin)
        {
            return ApiErrors.Forbidden("only a key admin sets a key's OIDC policy");
        }
        var (policy, _, bodyError) = await RequestBody.ReadAsync<OidcPolicy>(context);
        if (bodyError is not null) return bodyError;
        if (string.IsNullOrWhiteSpace(policy!.Issuer) || policy.Claims is not { Count: > 0 } || policy.Claims.Any(c => string.IsNullOrEmpty(c.Value) || c.Value == "*"))
        {
            return ApiErrors.BadRequest("an OIDC policy needs an issuer and at least one claim with a value (e.g. repository, ref, sub)");
        }
        var json = JsonSerializer.Serialize(policy, Web);
        await store.SetOidcPolicyAsync(key!.Id, json, context.RequestAborted);
        await audit.AppendAsync(new AuditEvent { Action = "oidc-policy", Result = "ok", Subscriber = key.SubscriberId, Key = key.Id, Credential = caller.Credential, Detail = json, Client = context.ClientAddress() }, context.RequestAborted);
        return Results.Json(Describe(key with { OidcPolicyJson = json }, keyring));
    }

    private static async Task<IResult> DisableKeyAsync(string keyId, HttpContext context, IServiceStore store, ServiceKeyring keyring, AuditLog audit)
    {
        var caller = context.Caller();
        var (key, error) = await VisibleKeyAsync(keyId, caller, store, context.RequestAborted);
        if (error is not null) return error;
        if (caller.Role != Roles.KeyAdmin)
        {
            return ApiErrors.Forbidden("only a key admin disables keys");
        }
        await store.DisableKeyAsync(key!.Id, context.RequestAborted);
        await audit.AppendAsync(new AuditEvent { Action = "key-disable", Result = "ok", Subscriber = key.SubscriberId, Key = key.Id, Credential = caller.Credential, Client = context.ClientAddress() }, context.RequestAborted);
        return Results.Json(Describe(key with { Disabled = true }, keyring));
    }

    private static string? CheckChain(string? pem, KeyRecord key, out string? normalized)
    {
        normalized = null;
        if (string.IsNullOrWhiteSpace(pem))
        {
            return "certificateChain is required (PEM, the key's certificate first)";
        }
        var chain = new X509Certificate2Collection();
        try
        {
            chain.ImportFromPem(pem);
        }
        catch (CryptographicException)
        {
            return "certificateChain is not a PEM certificate chain";
        }
        if (chain.Count == 0)
        {
            return "certificateChain holds no PEM certificate";
        }
        var leaf = chain[0];
        if (Convert.ToBase64String(leaf.PublicKey.ExportSubjectPublicKeyInfo()) != key.PublicKey)
        {
            return "the certificate's public key is not this key's";
        }
        var eku = leaf.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault();
        if (eku is null || !eku.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == CodeSigningOid))
        {
            return "the certificate does not carry the codeSigning extended key usage";
        }
        normalized = string.Concat(chain.Select(c => c.ExportCertificatePem() + "\n"));
        foreach (var certificate in chain) certificate.Dispose();
        return null;
    }
}
