using System.Text.Json.Serialization;

namespace BuildSign.Core.Keys.Remote;

// The JSON the client exchanges with the service's v1 API (see docs/server.md).

/// <summary>GET /v1/keys/{id}.</summary>
internal sealed record RemoteKeyInfo(
    [property: JsonPropertyName("keyId")] string? KeyId,
    [property: JsonPropertyName("algorithm")] string? Algorithm,
    [property: JsonPropertyName("publicKey")] string? PublicKey,
    [property: JsonPropertyName("certificateChain")] string? CertificateChain,
    [property: JsonPropertyName("keyProtection")] string? KeyProtection,
    [property: JsonPropertyName("disabled")] bool Disabled);

/// <summary>One digest in POST /v1/keys/{id}/sign.</summary>
internal sealed record RemoteSignItem(
    [property: JsonPropertyName("digestAlgorithm")] string DigestAlgorithm,
    [property: JsonPropertyName("digest")] string Digest,
    [property: JsonPropertyName("file")] string? File);

/// <summary>POST /v1/keys/{id}/sign body.</summary>
internal sealed record RemoteSignRequest(
    [property: JsonPropertyName("items")] IReadOnlyList<RemoteSignItem> Items,
    [property: JsonPropertyName("run")] IReadOnlyDictionary<string, string>? Run);

/// <summary>POST /v1/keys/{id}/sign answer.</summary>
internal sealed record RemoteSignResponse([property: JsonPropertyName("signatures")] IReadOnlyList<string?>? Signatures);

/// <summary>POST /v1/oidc/session answer.</summary>
internal sealed record RemoteOidcSession([property: JsonPropertyName("token")] string? Token);

/// <summary>An error answer.</summary>
internal sealed record RemoteError([property: JsonPropertyName("error")] string? Error);

[JsonSerializable(typeof(RemoteKeyInfo))]
[JsonSerializable(typeof(RemoteSignRequest))]
[JsonSerializable(typeof(RemoteSignResponse))]
[JsonSerializable(typeof(RemoteError))]
[JsonSerializable(typeof(RemoteOidcSession))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class RemoteApiJson : JsonSerializerContext;
