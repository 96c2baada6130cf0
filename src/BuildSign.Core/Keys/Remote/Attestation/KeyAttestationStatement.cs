using System.Text.Json.Serialization;

namespace BuildSign.Core.Keys.Remote.Attestation;

/// <summary>
/// What a signing service states about a key it generated: the HSM's own attributes of the private
/// key, the token's identity, the public key and the time. The service signs the statement's exact
/// UTF-8 bytes with its attestation key (see <see cref="SignedKeyAttestation"/>).
/// </summary>
public sealed record KeyAttestationStatement(
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("keyId")] string KeyId,
    [property: JsonPropertyName("keyName")] string KeyName,
    [property: JsonPropertyName("subscriber")] string Subscriber,
    [property: JsonPropertyName("algorithm")] string Algorithm,
    [property: JsonPropertyName("publicKey")] string PublicKey,
    [property: JsonPropertyName("attributes")] AttestedKeyAttributes Attributes,
    [property: JsonPropertyName("token")] AttestedToken Token,
    [property: JsonPropertyName("time")] DateTimeOffset Time)
{
    /// <summary>The format name this version writes.</summary>
    public const string CurrentFormat = "buildsign-key-attestation/v1";
}

/// <summary>The PKCS#11 attributes of the private key as the token reported them.</summary>
public sealed record AttestedKeyAttributes(
    [property: JsonPropertyName("token")] bool Token,
    [property: JsonPropertyName("private")] bool Private,
    [property: JsonPropertyName("sensitive")] bool Sensitive,
    [property: JsonPropertyName("extractable")] bool Extractable,
    [property: JsonPropertyName("local")] bool Local,
    [property: JsonPropertyName("neverExtractable")] bool NeverExtractable,
    [property: JsonPropertyName("alwaysSensitive")] bool AlwaysSensitive);

/// <summary>The token's identity from CK_TOKEN_INFO.</summary>
public sealed record AttestedToken(
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("manufacturer")] string Manufacturer,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("serialNumber")] string SerialNumber);

/// <summary>
/// The attestation document: the statement as base64 of its exact bytes, and the service's signature
/// over them (ECDSA or RSA PKCS#1 v1.5 with SHA-256; DER for ECDSA).
/// </summary>
public sealed record SignedKeyAttestation(
    [property: JsonPropertyName("statement")] string Statement,
    [property: JsonPropertyName("signatureAlgorithm")] string SignatureAlgorithm,
    [property: JsonPropertyName("signature")] string Signature);
