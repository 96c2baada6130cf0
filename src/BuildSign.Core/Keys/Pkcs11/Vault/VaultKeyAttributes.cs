namespace BuildSign.Core.Keys.Pkcs11.Vault;

/// <summary>
/// What the token itself says about a private key: the attributes a CA looks at to see that the key
/// was generated inside the module (CKA_LOCAL) and can never leave it (CKA_NEVER_EXTRACTABLE,
/// CKA_ALWAYS_SENSITIVE). <see cref="ValueReadable"/> records whether asking the token for the key's
/// value (CKA_VALUE / CKA_PRIVATE_EXPONENT) gave anything back; it must be false.
/// </summary>
public sealed record VaultKeyAttributes(
    bool Token,
    bool Private,
    bool Sensitive,
    bool Extractable,
    bool Local,
    bool NeverExtractable,
    bool AlwaysSensitive,
    bool ValueReadable);
