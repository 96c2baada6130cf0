using BuildSign.Core.Keys.Pkcs11;
using BuildSign.Core.Keys.Remote;
using BuildSign.Core.Keys.Software;

namespace BuildSign.Core.Keys;

/// <summary>
/// The key providers of a process, by scheme: opens the key a key string names, the one form
/// used everywhere (CLI, MSBuild, CI inputs). New kinds of key plug in with <see cref="Add"/>.
/// </summary>
public sealed class SigningKeyProviders
{
    private readonly Dictionary<string, ISigningKeyProvider> _providers = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A registry with the built-in providers: <c>pkcs11:</c>, <c>https:</c> (a signing service) and <c>file:</c>.</summary>
    public static SigningKeyProviders CreateDefault() => new SigningKeyProviders()
        .Add(new Pkcs11KeyProvider())
        .Add(new RemoteKeyProvider())
        .Add(new SoftwareKeyProvider());

    /// <summary>The schemes that can be opened.</summary>
    public IEnumerable<string> Schemes => _providers.Keys.Order(StringComparer.Ordinal);

    /// <summary>Adds (or replaces) the provider for its scheme.</summary>
    public SigningKeyProviders Add(ISigningKeyProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        _providers[provider.Scheme] = provider;
        return this;
    }

    /// <summary>
    /// Opens the key. Throws <see cref="SigningException"/> with a one-line reason that names at
    /// most the key string's scheme, never the rest: an unknown string could be a pasted secret.
    /// </summary>
    public Task<ISigningKey> OpenAsync(string keyString, string? certificatePath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keyString);
        var key = keyString.Trim();
        var scheme = SchemeOf(key);
        if (scheme is not null && _providers.TryGetValue(scheme, out var provider))
        {
            return provider.OpenAsync(key, certificatePath, cancellationToken);
        }
        var known = string.Join(", ", Schemes.Select(s => s + ":…"));
        if (key.Length == 0)
        {
            throw new SigningException($"no key given; name one as {known}");
        }
        if (string.Equals(scheme, "http", StringComparison.OrdinalIgnoreCase))
        {
            throw new SigningException("a signing service key must use https://");
        }
        if (string.Equals(scheme, "https", StringComparison.OrdinalIgnoreCase))
        {
            throw new SigningException("signing service keys (https://) are not available in this build");
        }
        throw new SigningException(scheme is null
            ? $"unknown kind of key; name one as {known}"
            : $"unknown kind of key '{scheme}:'; name one as {known}");
    }

    private static string? SchemeOf(string key)
    {
        var colon = key.IndexOf(':', StringComparison.Ordinal);
        return colon is > 0 and <= 16 && key[..colon].All(char.IsAsciiLetterOrDigit) ? key[..colon] : null;
    }
}
