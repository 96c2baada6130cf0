namespace BuildSign.Server.Hosting;

/// <summary>
/// The service's configuration, bound from the data folder's buildsign-server.json and environment
/// variables prefixed BUILDSIGN_SERVER_ (sections separated by a double underscore).
/// </summary>
public sealed class ServiceOptions
{
    /// <summary>The HSM holding subscribers' keys and the attestation key.</summary>
    public HsmOptions Hsm { get; set; } = new();

    /// <summary>The database.</summary>
    public DatabaseOptions Database { get; set; } = new();

    /// <summary>TLS certificate and key (PEM files).</summary>
    public TlsOptions Tls { get; set; } = new();

    /// <summary>Request limits.</summary>
    public LimitOptions Limits { get; set; } = new();

    /// <summary>Trusted OpenID Connect issuers for CI identities.</summary>
    public List<OidcIssuerOptions> OidcIssuers { get; set; } = [];

    /// <summary>A command run on each file sent to sign-file before it is signed, or null; exit 0 means clean.</summary>
    public string? ScanCommand { get; set; }

    /// <summary>Arguments of <see cref="ScanCommand"/>; <c>{file}</c> stands for the file.</summary>
    public List<string> ScanArguments { get; set; } = [];
}

/// <summary>Where the service's token is.</summary>
public sealed class HsmOptions
{
    /// <summary>The token as a PKCS#11 URI with module-path, pin-source and (SoftHSM2) softhsm2-conf.</summary>
    public string TokenUri { get; set; } = "";

    /// <summary>The label of the service's attestation key in the token.</summary>
    public string AttestationKeyLabel { get; set; } = "buildsign-attestation";

    /// <summary>The PEM certificate of the attestation key, made by init.</summary>
    public string AttestationCertificateFile { get; set; } = "";
}

/// <summary>Database provider and connection string.</summary>
public sealed class DatabaseOptions
{
    /// <summary><c>sqlite</c> or <c>postgresql</c>.</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>The provider's connection string.</summary>
    public string ConnectionString { get; set; } = "";
}

/// <summary>The TLS certificate Kestrel serves.</summary>
public sealed class TlsOptions
{
    /// <summary>PEM certificate (chain).</summary>
    public string CertificateFile { get; set; } = "";

    /// <summary>PEM private key.</summary>
    public string KeyFile { get; set; } = "";
}

/// <summary>Limits on requests and failed logins.</summary>
public sealed class LimitOptions
{
    /// <summary>Digests per sign request.</summary>
    public int MaxItemsPerRequest { get; set; } = 2000;

    /// <summary>Request body size in bytes (sign-file has its own, <see cref="MaxFileBytes"/>).</summary>
    public long MaxRequestBytes { get; set; } = 1024 * 1024;

    /// <summary>Size of a file sent to sign-file.</summary>
    public long MaxFileBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Failed authentications per client address per minute before it gets 429.</summary>
    public int FailedAuthenticationsPerMinute { get; set; } = 20;

    /// <summary>Longest lifetime of a token, in seconds.</summary>
    public long MaxTokenLifetimeSeconds { get; set; } = 366L * 24 * 3600;
}

/// <summary>One trusted OpenID Connect issuer.</summary>
public sealed class OidcIssuerOptions
{
    /// <summary>The issuer (<c>iss</c>), e.g. https://token.actions.githubusercontent.com.</summary>
    public string Issuer { get; set; } = "";

    /// <summary>The audience tokens must carry (<c>aud</c>).</summary>
    public string Audience { get; set; } = "";

    /// <summary>The JWKS URL; when empty, taken from the issuer's discovery document.</summary>
    public string? JwksUri { get; set; }

    /// <summary>The only signing algorithm accepted (RS256 for GitHub and Azure DevOps).</summary>
    public string Algorithm { get; set; } = "RS256";

    /// <summary>A PEM CA bundle to trust for fetching discovery and JWKS (tests, private issuers), or null for the system's.</summary>
    public string? CaFile { get; set; }
}
