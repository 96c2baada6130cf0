using System.Text.Json.Serialization;

namespace BuildSign.Core.Keys.Remote.Audit;

/// <summary>
/// One line of an audit export (JSON lines). A record line carries its sequence number, the previous
/// record's hash, its own chain hash and either its <see cref="Body"/> (the exact text that was hashed)
/// or, for a record the exporting caller may not see (another subscriber's), only its
/// <see cref="BodyHash"/>. The last line carries only <see cref="Signature"/>: the service attestation
/// key's signature over SHA-256 of every byte before that line.
/// </summary>
public sealed record AuditExportLine
{
    /// <summary>The record's sequence number, from 1, without gaps.</summary>
    [JsonPropertyName("seq")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Sequence { get; init; }

    /// <summary>The previous record's chain hash (hex), or 64 zeros for the first.</summary>
    [JsonPropertyName("prevHash")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? PreviousHash { get; init; }

    /// <summary>This record's chain hash (hex).</summary>
    [JsonPropertyName("hash")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Hash { get; init; }

    /// <summary>The record body as hashed (a JSON document as text).</summary>
    [JsonPropertyName("body")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Body { get; init; }

    /// <summary>The body's hash (hex), for a record whose body is withheld.</summary>
    [JsonPropertyName("bodyHash")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? BodyHash { get; init; }

    /// <summary>The export's signature (base64), on the last line only.</summary>
    [JsonPropertyName("signature")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Signature { get; init; }

    /// <summary>The signature's algorithm (ecdsa-sha256 or rsa-pkcs1-sha256), on the last line only.</summary>
    [JsonPropertyName("signatureAlgorithm")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SignatureAlgorithm { get; init; }
}
