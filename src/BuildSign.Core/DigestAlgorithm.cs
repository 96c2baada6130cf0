using System.Security.Cryptography;

namespace BuildSign.Core;

/// <summary>The digest algorithms BuildSign signs with. SHA-1 is deliberately absent.</summary>
public enum DigestAlgorithm
{
    /// <summary>SHA-256, the default.</summary>
    Sha256,
    /// <summary>SHA-384.</summary>
    Sha384,
    /// <summary>SHA-512.</summary>
    Sha512,
}

/// <summary>Names, OIDs and sizes of <see cref="DigestAlgorithm"/> values.</summary>
public static class DigestAlgorithms
{
    /// <summary>The .NET name of the algorithm, for <see cref="IncrementalHash"/>.</summary>
    public static HashAlgorithmName ToHashAlgorithmName(this DigestAlgorithm algorithm) => algorithm switch
    {
        DigestAlgorithm.Sha256 => HashAlgorithmName.SHA256,
        DigestAlgorithm.Sha384 => HashAlgorithmName.SHA384,
        DigestAlgorithm.Sha512 => HashAlgorithmName.SHA512,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };

    /// <summary>The algorithm's object identifier (NIST, 2.16.840.1.101.3.4.2.x).</summary>
    public static string Oid(this DigestAlgorithm algorithm) => algorithm switch
    {
        DigestAlgorithm.Sha256 => "2.16.840.1.101.3.4.2.1",
        DigestAlgorithm.Sha384 => "2.16.840.1.101.3.4.2.2",
        DigestAlgorithm.Sha512 => "2.16.840.1.101.3.4.2.3",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };

    /// <summary>The digest length in bytes.</summary>
    public static int SizeInBytes(this DigestAlgorithm algorithm) => algorithm switch
    {
        DigestAlgorithm.Sha256 => 32,
        DigestAlgorithm.Sha384 => 48,
        DigestAlgorithm.Sha512 => 64,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };

    /// <summary>The lower-case name used on the command line and in output: sha256, sha384, sha512.</summary>
    public static string DisplayName(this DigestAlgorithm algorithm) => algorithm switch
    {
        DigestAlgorithm.Sha256 => "sha256",
        DigestAlgorithm.Sha384 => "sha384",
        DigestAlgorithm.Sha512 => "sha512",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };

    /// <summary>Parses sha256, sha384 or sha512 (case-insensitive, dashes allowed).</summary>
    public static DigestAlgorithm Parse(string name) => name.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant() switch
    {
        "sha256" => DigestAlgorithm.Sha256,
        "sha384" => DigestAlgorithm.Sha384,
        "sha512" => DigestAlgorithm.Sha512,
        _ => throw new SigningException($"unsupported digest algorithm '{name}' (use sha256, sha384 or sha512)"),
    };

    /// <summary>Finds the algorithm for an OID, or null when BuildSign does not support it.</summary>
    public static DigestAlgorithm? FromOid(string oid) => oid switch
    {
        "2.16.840.1.101.3.4.2.1" => DigestAlgorithm.Sha256,
        "2.16.840.1.101.3.4.2.2" => DigestAlgorithm.Sha384,
        "2.16.840.1.101.3.4.2.3" => DigestAlgorithm.Sha512,
        _ => null,
    };

    /// <summary>Hashes bytes in one call.</summary>
    public static byte[] Hash(this DigestAlgorithm algorithm, ReadOnlySpan<byte> data) => algorithm switch
    {
        DigestAlgorithm.Sha256 => SHA256.HashData(data),
        DigestAlgorithm.Sha384 => SHA384.HashData(data),
        DigestAlgorithm.Sha512 => SHA512.HashData(data),
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };

    /// <summary>Starts an incremental hash.</summary>
    public static IncrementalHash CreateHash(this DigestAlgorithm algorithm) =>
        IncrementalHash.CreateHash(algorithm.ToHashAlgorithmName());
}
