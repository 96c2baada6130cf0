using System.Globalization;
using System.Text;
using System.Text.Json;
using BuildSign.Core.Keys.Remote;
using BuildSign.Core.Keys.Remote.Audit;
using BuildSign.Server.Api;
using BuildSign.Server.Identity;
using BuildSign.Server.Signing;
using BuildSign.Server.Storage;

namespace BuildSign.Server.Endpoints;

/// <summary>Reading and exporting the audit log.</summary>
public static class AuditEndpoints
{
    private const int PageSize = 500;
    private static readonly JsonSerializerOptions Line = new() { WriteIndented = false };

    /// <summary>Maps GET /v1/audit and GET /v1/audit/export.</summary>
    public static void Map(RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        v1.MapGet("/audit", QueryAsync).WithName("QueryAudit").Produces<AuditPageResponse>().Produces<ErrorResponse>(400).Produces<ErrorResponse>(403);
        v1.MapGet("/audit/export", ExportAsync).WithName("ExportAudit").Produces<string>(200, "application/x-ndjson").Produces<ErrorResponse>(403);
    }

    // Auditors read their own subscriber's records; a service admin reads all.
    private static string? Scope(Caller caller, out IResult? refusal)
    {
        refusal = null;
        if (caller.Role == Roles.ServiceAdmin) return null;
        if (caller.Role == Roles.Auditor && caller.SubscriberId is not null) return caller.SubscriberId;
        refusal = ApiErrors.Forbidden("only an auditor or a service admin reads the audit log");
        return null;
    }

    private static async Task<IResult> QueryAsync(HttpContext context, IServiceStore store, string? key, string? from, string? to, string? digest, long? after, int? limit)
    {
        var caller = context.Caller();
        var subscriber = Scope(caller, out var refusal);
        if (refusal is not null) return refusal;
        if (!TryTime(from, out var fromTime) || !TryTime(to, out var toTime))
        {
            return ApiErrors.BadRequest("from and to must be ISO 8601 times, e.g. 2026-12-01T08:00:00Z");
        }
        string? digestHex = null;
        if (!string.IsNullOrEmpty(digest))
        {
            digestHex = digest.All(Uri.IsHexDigit) && digest.Length % 2 == 0 ? digest.ToLowerInvariant() : TryBase64Hex(digest);
            if (digestHex is null) return ApiErrors.BadRequest("digest must be hex or base64");
        }
        if (caller.KeyIds is not null && key is not null && !caller.KeyIds.Contains(key))
        {
            return Results.Json(new AuditPageResponse([], null));
        }
        var size = Math.Clamp(limit ?? PageSize, 1, PageSize);
        var records = await store.QueryAuditAsync(new AuditQuery(subscriber, key, fromTime, toTime, digestHex, after ?? 0, size), context.RequestAborted);
        if (caller.KeyIds is not null)
        {
            records = [.. records.Where(r => r.KeyId is null || caller.KeyIds.Contains(r.KeyId))];
        }
        var page = records.Select(r => new AuditRecordResponse(r.Sequence, r.Time, r.Action, r.KeyId, JsonDocument.Parse(r.Body).RootElement.Clone(), r.Hash)).ToList();
        return Results.Json(new AuditPageResponse(page, records.Count == size ? records[^1].Sequence : null));
    }

    private static async Task ExportAsync(HttpContext context, IServiceStore store, ServiceKeyring keyring)
    {
        var caller = context.Caller();
        var subscriber = Scope(caller, out var refusal);
        if (refusal is not null)
        {
            await refusal.ExecuteAsync(context);
            return;
        }
        // The whole chain from record 1, so that nothing can be cut from its start; other subscribers'
        // records appear by body hash only.
        var export = new MemoryStream();
        long after = 0;
        while (true)
        {
            var records = await store.QueryAuditAsync(new AuditQuery(null, null, null, null, null, after, 5000), context.RequestAborted);
            foreach (var record in records)
            {
                var visible = subscriber is null || record.SubscriberId == subscriber;
                var line = new AuditExportLine
                {
                    Sequence = record.Sequence,
                    PreviousHash = record.PreviousHash,
                    Hash = record.Hash,
                    Body = visible ? record.Body : null,
                    BodyHash = visible ? null : AuditChainHash.OfBody(record.Body),
                };
                JsonSerializer.Serialize(export, line, Line);
                export.WriteByte((byte)'\n');
            }
            if (records.Count < 5000) break;
            after = records[^1].Sequence;
        }
        var signature = keyring.SignWithAttestationKey(export.GetBuffer().AsSpan(0, (int)export.Length));
        JsonSerializer.Serialize(export, new AuditExportLine { Signature = Convert.ToBase64String(signature), SignatureAlgorithm = ServiceSignature.AlgorithmName(keyring.AttestationCertificate) }, Line);
        export.WriteByte((byte)'\n');
        context.Response.ContentType = "application/x-ndjson";
        context.Response.ContentLength = export.Length;
        await context.Response.Body.WriteAsync(export.GetBuffer().AsMemory(0, (int)export.Length), context.RequestAborted);
    }

    private static bool TryTime(string? text, out DateTimeOffset? time)
    {
        time = null;
        if (string.IsNullOrEmpty(text)) return true;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            time = parsed;
            return true;
        }
        return false;
    }

    private static string? TryBase64Hex(string text)
    {
        try
        {
            return Convert.ToHexStringLower(Convert.FromBase64String(text));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
