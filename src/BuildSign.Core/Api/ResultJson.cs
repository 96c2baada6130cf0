using System.Text.Json;
using System.Text.Json.Serialization;

namespace BuildSign.Core.Api;

/// <summary>
/// The JSON form of the results, the contract shells and scripts read (docs/json.md): camelCase
/// names, enums as lower-case strings, times in ISO 8601.
/// </summary>
public static class ResultJson
{
    /// <summary>The serializer settings of the contract.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Serializes a signing result.</summary>
    public static string Serialize(SignResult result) => JsonSerializer.Serialize(result, Options);

    /// <summary>Serializes a verification result.</summary>
    public static string Serialize(VerifyResult result) => JsonSerializer.Serialize(result, Options);

    /// <summary>Reads a signing result back (for shells that run the CLI as a process).</summary>
    public static SignResult? DeserializeSignResult(string json) => JsonSerializer.Deserialize<SignResult>(json, Options);
}
