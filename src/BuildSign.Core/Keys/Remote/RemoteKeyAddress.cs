using System.Globalization;

namespace BuildSign.Core.Keys.Remote;

/// <summary>
/// A key in a BuildSign signing service: <c>https://host[:port][/prefix]/v1/keys/{keyId}</c> (or
/// <c>…/keys/{keyId}</c>), with optional query attributes <c>tls-ca=PATH</c> (a PEM bundle of the
/// CAs to trust for the service's TLS certificate, instead of the system's) and <c>batch-size=N</c>
/// (digests per HTTP request). The credential never appears in the key string.
/// </summary>
public sealed record RemoteKeyAddress
{
    /// <summary>The default number of digests per request: 1000 files take two requests.</summary>
    public const int DefaultBatchSize = 500;

    /// <summary>The service's base address (scheme, host, port and any path prefix), ending without a slash.</summary>
    public required Uri ServiceBase { get; init; }

    /// <summary>The key's id in the service.</summary>
    public required string KeyId { get; init; }

    /// <summary>A PEM CA bundle to trust for the service's TLS, or null for the system's trust store.</summary>
    public string? TlsCaFile { get; init; }

    /// <summary>Digests per HTTP request.</summary>
    public int BatchSize { get; init; } = DefaultBatchSize;

    /// <summary>The key string without its query, for output.</summary>
    public string DisplayText => $"{ServiceBase.AbsoluteUri.TrimEnd('/')}/v1/keys/{KeyId}";

    /// <summary>Parses a key string; throws <see cref="SigningException"/> saying what is wrong.</summary>
    public static RemoteKeyAddress Parse(string keyString)
    {
        ArgumentNullException.ThrowIfNull(keyString);
        if (!Uri.TryCreate(keyString, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new SigningException("a signing service key must be an https:// URL such as https://signing.example/v1/keys/KEY-ID");
        }
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            throw new SigningException("a signing service key must not carry a user name or password; the credential comes from BUILDSIGN_TOKEN");
        }
        var path = uri.AbsolutePath.TrimEnd('/');
        var keysAt = path.LastIndexOf("/keys/", StringComparison.Ordinal);
        if (keysAt < 0 || keysAt + 6 >= path.Length)
        {
            throw new SigningException("a signing service key URL must end in /v1/keys/KEY-ID");
        }
        var keyId = Uri.UnescapeDataString(path[(keysAt + 6)..]);
        var prefix = path[..keysAt];
        if (prefix.EndsWith("/v1", StringComparison.Ordinal))
        {
            prefix = prefix[..^3];
        }
        string? tlsCa = null;
        var batchSize = DefaultBatchSize;
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..]);
            switch (name)
            {
                case "tls-ca":
                    tlsCa = value.Length > 0 ? value : throw new SigningException("tls-ca in the key string needs a path to a PEM CA bundle");
                    break;
                case "batch-size":
                    batchSize = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 100_000
                        ? n
                        : throw new SigningException("batch-size in the key string must be a number from 1 to 100000");
                    break;
                case "token" or "access_token" or "pin-value" or "password":
                    throw new SigningException($"the key string must not carry a secret ({name}); set BUILDSIGN_TOKEN instead");
                default:
                    throw new SigningException($"unknown attribute '{name}' in the signing service key string (known: tls-ca, batch-size)");
            }
        }
        return new RemoteKeyAddress
        {
            ServiceBase = new Uri($"{uri.Scheme}://{uri.Authority}{prefix}"),
            KeyId = keyId,
            TlsCaFile = tlsCa,
            BatchSize = batchSize,
        };
    }
}
