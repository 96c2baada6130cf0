namespace BuildSign.Server.Storage;

/// <summary>
/// Everything the service keeps in its database. One implementation over ADO.NET serves SQLite (the
/// embedded default) and PostgreSQL (several instances); the provider is a configuration switch.
/// </summary>
public interface IServiceStore
{
    /// <summary>Creates the tables when they do not exist yet.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Checks that the database answers.</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken);

    /// <summary>Adds a subscriber.</summary>
    Task AddSubscriberAsync(SubscriberRecord subscriber, CancellationToken cancellationToken);

    /// <summary>The subscriber with this id, or null.</summary>
    Task<SubscriberRecord?> FindSubscriberAsync(string id, CancellationToken cancellationToken);

    /// <summary>Adds a token record (its hash only).</summary>
    Task AddTokenAsync(TokenRecord token, CancellationToken cancellationToken);

    /// <summary>The token whose SHA-256 is <paramref name="hash"/>, or null.</summary>
    Task<TokenRecord?> FindTokenByHashAsync(string hash, CancellationToken cancellationToken);

    /// <summary>The token with this id, or null.</summary>
    Task<TokenRecord?> FindTokenAsync(string id, CancellationToken cancellationToken);

    /// <summary>Marks a token revoked from <paramref name="when"/> on.</summary>
    Task RevokeTokenAsync(string id, DateTimeOffset when, CancellationToken cancellationToken);

    /// <summary>Adds a key record.</summary>
    Task AddKeyAsync(KeyRecord key, CancellationToken cancellationToken);

    /// <summary>The key with this id, or null.</summary>
    Task<KeyRecord?> FindKeyAsync(string id, CancellationToken cancellationToken);

    /// <summary>The keys of one subscriber.</summary>
    Task<IReadOnlyList<KeyRecord>> ListKeysAsync(string subscriberId, CancellationToken cancellationToken);

    /// <summary>Stores the certificate chain (PEM) of a key.</summary>
    Task SetCertificateAsync(string keyId, string chainPem, CancellationToken cancellationToken);

    /// <summary>Stores the OIDC claim policy (JSON) of a key.</summary>
    Task SetOidcPolicyAsync(string keyId, string policyJson, CancellationToken cancellationToken);

    /// <summary>Disables a key for good.</summary>
    Task DisableKeyAsync(string keyId, CancellationToken cancellationToken);

    /// <summary>
    /// Appends records to the audit chain in one transaction, serialized against every other writer
    /// (other threads and other instances), and, when <paramref name="idempotency"/> is given, stores the
    /// response under its key in the same transaction. When a response is already stored under that key
    /// nothing is appended and the stored one is returned.
    /// </summary>
    Task<IdempotentResponse?> AppendAuditAsync(IReadOnlyList<AuditDraft> drafts, IdempotencyEntry? idempotency, CancellationToken cancellationToken);

    /// <summary>The response stored under an idempotency key, or null.</summary>
    Task<IdempotentResponse?> FindIdempotentAsync(string scope, string key, CancellationToken cancellationToken);

    /// <summary>Audit records matching a query, in chain order.</summary>
    Task<IReadOnlyList<AuditRecord>> QueryAuditAsync(AuditQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Records an OIDC token id (<c>jti</c>) as used until <paramref name="expires"/>; false when it was
    /// seen before (a replay).
    /// </summary>
    Task<bool> RememberTokenIdAsync(string issuer, string tokenId, DateTimeOffset expires, CancellationToken cancellationToken);
}

/// <summary>An audit record before it is chained: the store adds sequence number and hashes.</summary>
public sealed record AuditDraft(DateTimeOffset Time, string? SubscriberId, string? KeyId, string Action, Func<long, string> Body);

/// <summary>An Idempotency-Key with its scope (key and caller), the request's hash and the response to keep.</summary>
public sealed record IdempotencyEntry(string Scope, string Key, string RequestHash, string ResponseJson, DateTimeOffset Created);
