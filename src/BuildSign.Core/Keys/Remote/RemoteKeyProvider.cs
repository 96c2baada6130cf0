namespace BuildSign.Core.Keys.Remote;

/// <summary>
/// Opens <c>https://</c> keys: keys in a BuildSign signing service. The credential comes from
/// BUILDSIGN_TOKEN; the service's TLS is trusted through the system store, or a PEM CA bundle named by
/// the key string's <c>tls-ca</c> attribute or BUILDSIGN_TLS_CA.
/// </summary>
public sealed class RemoteKeyProvider(RemoteServiceOptions? options = null) : ISigningKeyProvider
{
    /// <inheritdoc />
    public string Scheme => "https";

    /// <inheritdoc />
    public async Task<ISigningKey> OpenAsync(string keyString, string? certificatePath, CancellationToken cancellationToken) =>
        await RemoteSigningKey.OpenAsync(RemoteKeyAddress.Parse(keyString), certificatePath, options, cancellationToken).ConfigureAwait(false);
}
