namespace BuildSign.Core.Keys.Pkcs11.Vault;

/// <summary>The token's own identity as it reports it in CK_TOKEN_INFO.</summary>
public sealed record VaultTokenIdentity(string Label, string Manufacturer, string Model, string SerialNumber);
