namespace BuildSign.Server.Storage;

/// <summary>A subscriber: a tenant whose keys, tokens and audit records are kept apart from every other's.</summary>
public sealed record SubscriberRecord(string Id, string Name, DateTimeOffset Created);

/// <summary>
/// An API token as stored: only the SHA-256 of the token, never the token. <see cref="SubscriberId"/>
/// is null for service-admin tokens; <see cref="KeyIds"/> is null when the token may use every key of
/// its subscriber.
/// </summary>
public sealed record TokenRecord(string Id, string? SubscriberId, string Role, IReadOnlyList<string>? KeyIds, string Hash, DateTimeOffset Expires, DateTimeOffset? Revoked, DateTimeOffset Created);

/// <summary>
/// A subscriber's key: the private key lives in the HSM under <see cref="Pkcs11Id"/>; the database holds
/// its public key (DER SubjectPublicKeyInfo, base64), the certificate chain once installed (PEM), and
/// the OIDC claim policy that binds CI identities to it (JSON, or null).
/// </summary>
public sealed record KeyRecord(string Id, string SubscriberId, string Name, string Algorithm, string Pkcs11Id, string PublicKey, string? CertificateChainPem, bool Disabled, string? OidcPolicyJson, DateTimeOffset Created);

/// <summary>One link of the audit chain: the record body exactly as hashed, and the hashes that chain it.</summary>
public sealed record AuditRecord(long Sequence, DateTimeOffset Time, string? SubscriberId, string? KeyId, string Action, string Body, string PreviousHash, string Hash);

/// <summary>A stored answer to a sign request with an Idempotency-Key: a retry gets it back unchanged.</summary>
public sealed record IdempotentResponse(string RequestHash, string ResponseJson);

/// <summary>What <see cref="IServiceStore.QueryAuditAsync"/> selects; null fields select everything.</summary>
public sealed record AuditQuery(string? SubscriberId, string? KeyId, DateTimeOffset? From, DateTimeOffset? To, string? DigestHex, long AfterSequence, int Limit);
