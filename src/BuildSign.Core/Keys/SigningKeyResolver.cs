using BuildSign.Core.Keys.Pkcs11;
using BuildSign.Core.Keys.Software;

namespace BuildSign.Core.Keys;

/// <summary>
/// Opens the key a key string names, the one form used everywhere (CLI, MSBuild, CI inputs):
/// <c>pkcs11:…</c> for a PKCS#11 token, <c>file:PATH</c> for a development software key,
/// <c>https://…</c> for a key in a BuildSign signing service.
/// </summary>
public static class SigningKeyResolver
{
    /// <summary>The environment variable holding the password of a <c>file:</c> key, if it has one.</summary>
    public const string KeyPasswordVariable = "BUILDSIGN_KEY_PASSWORD";

    /// <summary>
    /// Opens the key. <paramref name="certificatePath"/> overrides the certificate that comes with
    /// the key (PEM chain or DER). Throws <see cref="SigningException"/> with a one-line reason.
    /// </summary>
    public static async Task<ISigningKey> OpenAsync(string keyString, string? certificatePath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keyString);
        var key = keyString.Trim();
        if (Pkcs11Uri.IsPkcs11Uri(key))
        {
            return await Pkcs11SigningKey.OpenAsync(Pkcs11Uri.Parse(key), certificatePath, cancellationToken).ConfigureAwait(false);
        }
        if (key.StartsWith("file:", StringComparison.Ordinal))
        {
            var path = key["file:".Length..];
            if (path.Length == 0)
            {
                throw new SigningException("the key file: needs a path, as in file:dev.pfx");
            }
            var password = Environment.GetEnvironmentVariable(KeyPasswordVariable);
            return SoftwareSigningKey.Load(path, string.IsNullOrEmpty(password) ? null : password, certificatePath);
        }
        if (key.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            throw new SigningException("remote signing service keys are not available yet");
        }
        if (key.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            throw new SigningException("a signing service key must use https://");
        }
        throw new SigningException(key.Length == 0
            ? "no key given; name one as pkcs11:…, https://… or file:PATH"
            : $"unknown kind of key{Scheme(key)}; name one as pkcs11:…, https://… or file:PATH");
    }

    // An unknown string could be a secret pasted by mistake: name at most its scheme, never the rest.
    private static string Scheme(string key)
    {
        var colon = key.IndexOf(':', StringComparison.Ordinal);
        return colon is > 0 and <= 16 && key[..colon].All(char.IsAsciiLetter) ? $" '{key[..colon]}:'" : "";
    }
}
