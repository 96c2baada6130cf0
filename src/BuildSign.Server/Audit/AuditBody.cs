using System.Text.Json.Serialization;

namespace BuildSign.Server.Audit;

/// <summary>
/// The content of one audit record, serialized in this fixed property order and hashed as text.
/// Digests are lower-case hex so that an auditor can search for one.
/// </summary>
public sealed record AuditBody(
    [property: JsonPropertyName("seq")] long Sequence,
    [property: JsonPropertyName("time")] DateTimeOffset Time,
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("result")] string Result,
    [property: JsonPropertyName("subscriber")] string? Subscriber,
    [property: JsonPropertyName("credential")] string? Credential,
    [property: JsonPropertyName("key")] string? Key,
    [property: JsonPropertyName("ci")] IReadOnlyDictionary<string, string>? Ci,
    [property: JsonPropertyName("digests")] IReadOnlyList<AuditedDigest>? Digests,
    [property: JsonPropertyName("detail")] string? Detail,
    [property: JsonPropertyName("client")] string? Client);

/// <summary>One signed (or refused) digest with the file name the client gave for it.</summary>
public sealed record AuditedDigest(
    [property: JsonPropertyName("algorithm")] string Algorithm,
    [property: JsonPropertyName("digest")] string Digest,
    [property: JsonPropertyName("file")] string? File);
