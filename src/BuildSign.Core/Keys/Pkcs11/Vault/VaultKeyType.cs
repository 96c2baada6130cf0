namespace BuildSign.Core.Keys.Pkcs11.Vault;

/// <summary>The key types a signing service generates inside its token.</summary>
public enum VaultKeyType
{
    /// <summary>RSA with a 3072-bit modulus.</summary>
    Rsa3072,
    /// <summary>RSA with a 4096-bit modulus.</summary>
    Rsa4096,
    /// <summary>ECDSA on NIST P-256.</summary>
    EcdsaP256,
    /// <summary>ECDSA on NIST P-384.</summary>
    EcdsaP384,
}

/// <summary>Names and properties of <see cref="VaultKeyType"/> values.</summary>
public static class VaultKeyTypes
{
    /// <summary>The name used in the service API: rsa-3072, rsa-4096, ecdsa-p256, ecdsa-p384.</summary>
    public static string Name(this VaultKeyType type) => type switch
    {
        VaultKeyType.Rsa3072 => "rsa-3072",
        VaultKeyType.Rsa4096 => "rsa-4096",
        VaultKeyType.EcdsaP256 => "ecdsa-p256",
        VaultKeyType.EcdsaP384 => "ecdsa-p384",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>Parses an API name; null when it names no supported type.</summary>
    public static VaultKeyType? Parse(string? name) => name switch
    {
        "rsa-3072" => VaultKeyType.Rsa3072,
        "rsa-4096" => VaultKeyType.Rsa4096,
        "ecdsa-p256" => VaultKeyType.EcdsaP256,
        "ecdsa-p384" => VaultKeyType.EcdsaP384,
        _ => null,
    };

    /// <summary>RSA or ECDSA.</summary>
    public static KeyAlgorithm Algorithm(this VaultKeyType type) =>
        type is VaultKeyType.Rsa3072 or VaultKeyType.Rsa4096 ? KeyAlgorithm.Rsa : KeyAlgorithm.Ecdsa;

    /// <summary>The OID of the named curve of an ECDSA type.</summary>
    internal static string CurveOid(this VaultKeyType type) => type switch
    {
        VaultKeyType.EcdsaP256 => "1.2.840.10045.3.1.7",
        VaultKeyType.EcdsaP384 => "1.3.132.0.34",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };
}
