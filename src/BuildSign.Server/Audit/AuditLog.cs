using System.Text.Json;
using BuildSign.Server.Storage;

namespace BuildSign.Server.Audit;

/// <summary>Appends events to the hash-chained audit log in the store.</summary>
public sealed class AuditLog(IServiceStore store, TimeProvider time)
{
    /// <summary>Appends one event.</summary>
    public Task AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken) =>
        store.AppendAuditAsync([Draft(auditEvent)], null, cancellationToken);

    /// <summary>
    /// Appends an event together with the response stored under an Idempotency-Key; when one is already
    /// stored, appends nothing and returns it.
    /// </summary>
    public Task<IdempotentResponse?> AppendAsync(AuditEvent auditEvent, IdempotencyEntry idempotency, CancellationToken cancellationToken) =>
        store.AppendAuditAsync([Draft(auditEvent)], idempotency, cancellationToken);

    private AuditDraft Draft(AuditEvent e)
    {
        var now = time.GetUtcNow();
        return new AuditDraft(now, e.Subscriber, e.Key, e.Action, sequence => JsonSerializer.Serialize(
            new AuditBody(sequence, now, e.Action, e.Result, e.Subscriber, e.Credential, e.Key, e.Ci, e.Digests, e.Detail, e.Client)));
    }
}
