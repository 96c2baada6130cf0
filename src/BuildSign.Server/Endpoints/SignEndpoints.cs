using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using BuildSign.Core;
using BuildSign.Core.Keys;
using BuildSign.Core.Keys.Pkcs11.Vault;
using BuildSign.Server.Api;
using BuildSign.Server.Audit;
using BuildSign.Server.Hosting;
using BuildSign.Server.Identity;
using BuildSign.Server.Signing;
using BuildSign.Server.Storage;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace BuildSign.Server.Endpoints;

/// <summary>Signing digests in batches, and whole files with a scan hook.</summary>
public static class SignEndpoints
{
    /// <summary>The header that makes a retried batch return the first answer.</summary>
    public const string IdempotencyHeader = "Idempotency-Key";

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    /// <summary>Maps POST /v1/keys/{keyId}/sign and /sign-file.</summary>
    public static void Map(RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        v1.MapPost("/keys/{keyId}/sign", SignAsync).WithName("SignDigests")
            .Accepts<SignRequest>("application/json").Produces<SignResponse>().Produces<ErrorResponse>(400).Produces<ErrorResponse>(404).Produces<ErrorResponse>(409).Produces<ErrorResponse>(413).Produces<ErrorResponse>(422);
        v1.MapPost("/keys/{keyId}/sign-file", SignFileAsync).WithName("SignFile")
            .Accepts<Stream>("application/octet-stream").Produces<SignFileResponse>().Produces<ErrorResponse>(404).Produces<ErrorResponse>(422);
    }

    private static async Task<IResult> SignAsync(string keyId, HttpContext context, IServiceStore store, ServiceKeyring keyring, AuditLog audit, IOptions<ServiceOptions> options, TimeProvider time, ServiceMetrics metrics)
    {
        var caller = context.Caller();
        var (key, error) = await KeyEndpoints.VisibleKeyAsync(keyId, caller, store, context.RequestAborted);
        if (error is not null) return error;
        if (caller.Role != Roles.Signer)
        {
            return ApiErrors.Forbidden("only a signer signs");
        }
        var idempotencyKey = context.Request.Headers[IdempotencyHeader].ToString();
        if (idempotencyKey.Length > 200)
        {
            return ApiErrors.BadRequest("Idempotency-Key is longer than 200 characters");
        }
        var (request, raw, bodyError) = await RequestBody.ReadAsync<SignRequest>(context);
        if (bodyError is not null) return bodyError;
        var requestHash = Convert.ToHexStringLower(SHA256.HashData(raw));
        var scope = $"{key!.Id}|{caller.Credential}";
        if (idempotencyKey.Length > 0)
        {
            var stored = await store.FindIdempotentAsync(scope, idempotencyKey, context.RequestAborted);
            if (stored is not null)
            {
                return Replay(context, stored, requestHash);
            }
        }

        var limit = options.Value.Limits.MaxItemsPerRequest;
        var (items, problem) = Validate(request!, limit);
        var ci = RunDetails(caller, request!.Run);
        var audited = items?.Select(i => new AuditedDigest(i.Algorithm.DisplayName(), Convert.ToHexStringLower(i.Digest), i.File)).ToList();
        if (problem is null && key.Disabled) problem = "the key is disabled";
        if (problem is null && key.CertificateChainPem is null) problem = "the key has no certificate installed yet";
        if (problem is not null)
        {
            await audit.AppendAsync(new AuditEvent { Action = "sign", Result = "refused", Subscriber = key.SubscriberId, Key = key.Id, Credential = caller.Credential, Ci = ci, Digests = audited, Detail = problem, Client = context.ClientAddress() }, context.RequestAborted);
            return key.Disabled || key.CertificateChainPem is null ? ApiErrors.Status(StatusCodes.Status409Conflict, problem) : ApiErrors.BadRequest(problem);
        }

        var algorithm = VaultKeyTypes.Parse(key.Algorithm)!.Value.Algorithm();
        var signatures = await keyring.SignAsync(key.Pkcs11Id, algorithm, [.. items!.Select(i => (i.Algorithm, i.Digest))], context.RequestAborted);
        metrics.SignRequest(raw.Length, signatures.Length);
        var responseJson = JsonSerializer.Serialize(new SignResponse([.. signatures.Select(Convert.ToBase64String)]), Web);
        var auditEvent = new AuditEvent { Action = "sign", Result = "ok", Subscriber = key.SubscriberId, Key = key.Id, Credential = caller.Credential, Ci = ci, Digests = audited, Client = context.ClientAddress() };
        if (idempotencyKey.Length > 0)
        {
            // Stored with the audit record in one transaction: a retry that raced this one gets its answer, audited once.
            var earlier = await audit.AppendAsync(auditEvent, new IdempotencyEntry(scope, idempotencyKey, requestHash, responseJson, time.GetUtcNow()), CancellationToken.None);
            if (earlier is not null)
            {
                return Replay(context, earlier, requestHash);
            }
        }
        else
        {
            await audit.AppendAsync(auditEvent, CancellationToken.None);
        }
        return Results.Text(responseJson, "application/json");
    }

    private static async Task<IResult> SignFileAsync(string keyId, string? file, HttpContext context, IServiceStore store, ServiceKeyring keyring, AuditLog audit, IOptions<ServiceOptions> options)
    {
        var caller = context.Caller();
        var (key, error) = await KeyEndpoints.VisibleKeyAsync(keyId, caller, store, context.RequestAborted);
        if (error is not null) return error;
        if (caller.Role != Roles.Signer)
        {
            return ApiErrors.Forbidden("only a signer signs");
        }
        if (key!.Disabled || key.CertificateChainPem is null)
        {
            var reason = key.Disabled ? "the key is disabled" : "the key has no certificate installed yet";
            await audit.AppendAsync(new AuditEvent { Action = "sign-file", Result = "refused", Subscriber = key.SubscriberId, Key = key.Id, Credential = caller.Credential, Detail = reason, Client = context.ClientAddress() }, context.RequestAborted);
            return ApiErrors.Status(StatusCodes.Status409Conflict, reason);
        }
        var limits = options.Value.Limits;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limits.MaxFileBytes;
        }
        var fileName = string.IsNullOrWhiteSpace(file) ? "(unnamed)" : Path.GetFileName(file);
        var temporary = Path.Combine(Path.GetTempPath(), "buildsign-upload-" + Guid.NewGuid().ToString("N"));
        try
        {
            byte[] digest;
            try
            {
                await using (var output = new FileStream(temporary, OwnerOnlyFile.NewFile()))
                {
                    await context.Request.Body.CopyToAsync(output, context.RequestAborted);
                }
                await using var input = File.OpenRead(temporary);
                digest = await SHA256.HashDataAsync(input, context.RequestAborted);
            }
            catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return ApiErrors.Status(StatusCodes.Status413PayloadTooLarge, $"the file is larger than {limits.MaxFileBytes} bytes");
            }
            var audited = new List<AuditedDigest> { new("sha256", Convert.ToHexStringLower(digest), fileName) };
            var scan = await ScanAsync(options.Value, temporary, context.RequestAborted);
            if (scan is not null)
            {
                await audit.AppendAsync(new AuditEvent { Action = "sign-file", Result = "refused", Subscriber = key.SubscriberId, Key = key.Id, Credential = caller.Credential, Digests = audited, Detail = scan, Client = context.ClientAddress() }, CancellationToken.None);
                return ApiErrors.Status(StatusCodes.Status422UnprocessableEntity, $"the file {fileName} was refused by the scan: {scan}");
            }
            var algorithm = VaultKeyTypes.Parse(key.Algorithm)!.Value.Algorithm();
            var signature = (await keyring.SignAsync(key.Pkcs11Id, algorithm, [(DigestAlgorithm.Sha256, digest)], context.RequestAborted))[0];
            await audit.AppendAsync(new AuditEvent { Action = "sign-file", Result = "ok", Subscriber = key.SubscriberId, Key = key.Id, Credential = caller.Credential, Digests = audited, Client = context.ClientAddress() }, CancellationToken.None);
            return Results.Json(new SignFileResponse("sha256", Convert.ToBase64String(digest), Convert.ToBase64String(signature)));
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    // The hook's verdict: null when clean (exit 0), else a one-line reason from its exit code and first output line.
    private static async Task<string?> ScanAsync(ServiceOptions options, string path, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(options.ScanCommand))
        {
            return null;
        }
        var start = new ProcessStartInfo(options.ScanCommand) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in options.ScanArguments)
        {
            start.ArgumentList.Add(argument.Replace("{file}", path, StringComparison.Ordinal));
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("the scan command did not start");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode == 0)
        {
            return null;
        }
        var line = (await output).Split('\n').Select(l => l.Replace(path, "file", StringComparison.Ordinal).Trim()).FirstOrDefault(l => l.Length > 0)
            ?? (await errors).Split('\n').FirstOrDefault(l => l.Trim().Length > 0) ?? "";
        return $"scan exit code {process.ExitCode}" + (line.Length > 0 ? $": {line}" : "");
    }

    private static IResult Replay(HttpContext context, IdempotentResponse stored, string requestHash)
    {
        if (stored.RequestHash != requestHash)
        {
            return ApiErrors.Status(StatusCodes.Status422UnprocessableEntity, "this Idempotency-Key was used for a different request");
        }
        context.Response.Headers["Idempotent-Replayed"] = "true";
        return Results.Text(stored.ResponseJson, "application/json");
    }

    private sealed record ValidItem(DigestAlgorithm Algorithm, byte[] Digest, string? File);

    private static (List<ValidItem>? Items, string? Problem) Validate(SignRequest request, int limit)
    {
        if (request.Items is not { Count: > 0 } items)
        {
            return (null, "items is required: at least one {digestAlgorithm, digest}");
        }
        if (items.Count > limit)
        {
            return (null, $"{items.Count} items in one request; the service signs at most {limit} per request");
        }
        var valid = new List<ValidItem>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (item is null)
            {
                return (null, $"items[{i}] is null");
            }
            DigestAlgorithm algorithm;
            try
            {
                algorithm = DigestAlgorithms.Parse(item.DigestAlgorithm ?? "");
            }
            catch (Exception ex) when (ex is ArgumentException or SigningException or FormatException)
            {
                return (null, $"items[{i}].digestAlgorithm must be sha256, sha384 or sha512");
            }
            byte[] digest;
            try
            {
                digest = Convert.FromBase64String(item.Digest ?? "");
            }
            catch (FormatException)
            {
                return (null, $"items[{i}].digest is not base64");
            }
            if (digest.Length != algorithm.SizeInBytes())
            {
                return (null, $"items[{i}].digest is {digest.Length} bytes; a {algorithm.DisplayName()} digest is {algorithm.SizeInBytes()}");
            }
            var file = item.File is null ? null : item.File.Length > 260 ? item.File[..260] : item.File;
            valid.Add(new ValidItem(algorithm, digest, file));
        }
        return (valid, null);
    }

    // What the audit keeps about the CI run: the OIDC claims that name it, and what the client reported.
    private static Dictionary<string, string>? RunDetails(Caller caller, IReadOnlyDictionary<string, string>? run)
    {
        var details = new Dictionary<string, string>(StringComparer.Ordinal);
        if (caller.Claims is not null)
        {
            foreach (var name in (string[])["sub", "repository", "ref", "workflow", "job_workflow_ref", "run_id", "run_attempt", "environment"])
            {
                if (caller.Claims.TryGetValue(name, out var value)) details["oidc." + name] = value;
            }
        }
        if (run is not null)
        {
            foreach (var (name, value) in run.Take(20))
            {
                details["client." + (name.Length > 64 ? name[..64] : name)] = value is { Length: > 256 } ? value[..256] : value ?? "";
            }
        }
        return details.Count == 0 ? null : details;
    }
}
