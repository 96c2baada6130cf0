using System.Text.Json.Serialization;

namespace BuildSign.Server.Api;

// The versioned JSON of the v1 API, request and response bodies, as documented in docs/server.md and docs/openapi.json.

/// <summary>POST /v1/subscribers.</summary>
public sealed record CreateSubscriberRequest(string? Name);

/// <summary>A created subscriber.</summary>
public sealed record SubscriberResponse(string Id, string Name);

/// <summary>POST /v1/subscribers/{id}/tokens.</summary>
public sealed record CreateTokenRequest(string? Role, IReadOnlyList<string>? Keys, long? ExpiresInSeconds);

/// <summary>A created token: the only time the token itself is shown.</summary>
public sealed record TokenResponse(string Id, string Token, string Role, string Subscriber, IReadOnlyList<string>? Keys, DateTimeOffset Expires);

/// <summary>POST /v1/keys.</summary>
public sealed record CreateKeyRequest(string? Name, string? Algorithm);

/// <summary>A generated key: its CSR (signed by the new key) and attestation (signed by the service).</summary>
public sealed record CreatedKeyResponse(string KeyId, string Name, string Algorithm, string PublicKey, string Csr, string Attestation);

/// <summary>A key as callers see it.</summary>
public sealed record KeyResponse(string KeyId, string Name, string Algorithm, string PublicKey, string? CertificateChain, string KeyProtection, bool Disabled, DateTimeOffset Created);

/// <summary>GET /v1/keys.</summary>
public sealed record KeyListResponse(IReadOnlyList<KeyResponse> Keys);

/// <summary>PUT /v1/keys/{id}/certificate: the chain the CA issued, leaf first, PEM.</summary>
public sealed record InstallCertificateRequest(string? CertificateChain);

/// <summary>PUT /v1/keys/{id}/oidc-policy: which CI identities may sign with the key.</summary>
public sealed record OidcPolicy(string? Issuer, IReadOnlyDictionary<string, string>? Claims);

/// <summary>One digest to sign.</summary>
public sealed record SignItem(string? DigestAlgorithm, string? Digest, string? File);

/// <summary>POST /v1/keys/{id}/sign: digests, and the CI run for the audit log.</summary>
public sealed record SignRequest(IReadOnlyList<SignItem?>? Items, IReadOnlyDictionary<string, string>? Run);

/// <summary>Signatures in request order (base64; PKCS#1 v1.5 for RSA, DER for ECDSA).</summary>
public sealed record SignResponse(IReadOnlyList<string> Signatures);

/// <summary>POST /v1/keys/{id}/sign-file answer.</summary>
public sealed record SignFileResponse(string DigestAlgorithm, string Digest, string Signature);

/// <summary>One audit record as the API returns it.</summary>
public sealed record AuditRecordResponse(long Seq, DateTimeOffset Time, string Action, string? Key, [property: JsonPropertyName("record")] System.Text.Json.JsonElement Record, string Hash);

/// <summary>A page of audit records; <see cref="Next"/> is the <c>after</c> value of the next page, or null.</summary>
public sealed record AuditPageResponse(IReadOnlyList<AuditRecordResponse> Records, long? Next);

/// <summary>GET /healthz and /readyz.</summary>
public sealed record HealthResponse(string Status);
