namespace BuildSign.Core.Keys;

/// <summary>Opens the keys of one key-string scheme (<c>pkcs11</c>, <c>file</c>, <c>https</c>).</summary>
public interface ISigningKeyProvider
{
    /// <summary>The scheme, lower case, without the colon.</summary>
    string Scheme { get; }

    /// <summary>
    /// Opens the key. <paramref name="certificatePath"/> overrides the certificate that comes with
    /// the key. Throws <see cref="SigningException"/> with a one-line reason that holds no secret.
    /// </summary>
    Task<ISigningKey> OpenAsync(string keyString, string? certificatePath, CancellationToken cancellationToken);
}
