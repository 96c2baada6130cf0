namespace BuildSign.Core.Keys.Pkcs11;

/// <summary>Opens <c>pkcs11:</c> keys: RFC 7512 URIs naming a key in any PKCS#11 token.</summary>
public sealed class Pkcs11KeyProvider : ISigningKeyProvider
{
    /// <inheritdoc />
    public string Scheme => "pkcs11";

    /// <inheritdoc />
    public async Task<ISigningKey> OpenAsync(string keyString, string? certificatePath, CancellationToken cancellationToken) =>
        await Pkcs11SigningKey.OpenAsync(Pkcs11Uri.Parse(keyString), certificatePath, cancellationToken).ConfigureAwait(false);
}
