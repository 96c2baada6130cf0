namespace BuildSign.Core.Keys.Software;

/// <summary>Opens <c>file:PATH</c> keys: development software keys (PFX, or PEM with a certificate).</summary>
public sealed class SoftwareKeyProvider : ISigningKeyProvider
{
    /// <summary>The environment variable holding the password of a <c>file:</c> key, if it has one.</summary>
    public const string KeyPasswordVariable = "BUILDSIGN_KEY_PASSWORD";

    /// <inheritdoc />
    public string Scheme => "file";

    /// <inheritdoc />
    public Task<ISigningKey> OpenAsync(string keyString, string? certificatePath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keyString);
        var path = keyString[(keyString.IndexOf(':', StringComparison.Ordinal) + 1)..];
        if (path.Length == 0)
        {
            throw new SigningException("the key file: needs a path, as in file:dev.pfx");
        }
        var password = Environment.GetEnvironmentVariable(KeyPasswordVariable);
        return Task.FromResult<ISigningKey>(SoftwareSigningKey.Load(path, string.IsNullOrEmpty(password) ? null : password, certificatePath));
    }
}
