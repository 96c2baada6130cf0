namespace BuildSign.Core.Keys.Remote;

/// <summary>
/// How the client talks to a signing service: the credential, the TLS trust and the resilience policy
/// (per-attempt timeout, retries with jittered exponential backoff, capped Retry-After, circuit
/// breaker, total timeout).
/// </summary>
public sealed record RemoteServiceOptions
{
    /// <summary>The environment variable holding the API token or OIDC token.</summary>
    public const string TokenVariable = "BUILDSIGN_TOKEN";

    /// <summary>The environment variable naming a PEM CA bundle for the service's TLS (a key string's tls-ca wins).</summary>
    public const string TlsCaVariable = "BUILDSIGN_TLS_CA";

    /// <summary>How long one HTTP attempt may take.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long one batch may take, retries included.</summary>
    public TimeSpan TotalTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Retries after the first attempt.</summary>
    public int MaxRetries { get; init; } = 6;

    /// <summary>The first backoff delay; later ones grow exponentially, with jitter.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest backoff delay.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The longest Retry-After the client honours; a longer one is cut to this.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the circuit stays open after too many failures.</summary>
    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Requests of one batch that may be in flight at once.</summary>
    public int ParallelRequests { get; init; } = 2;

    /// <summary>The credential to use instead of <see cref="TokenVariable"/> (for hosts that hold it themselves); never printed.</summary>
    public string? Token { get; init; }

    /// <summary>The credential: <see cref="Token"/>, else the environment; throws when there is none.</summary>
    public string ReadToken()
    {
        var token = Token ?? Environment.GetEnvironmentVariable(TokenVariable);
        return string.IsNullOrWhiteSpace(token)
            ? throw new SigningException($"a signing service key needs a credential: set {TokenVariable} to an API token or an OIDC token")
            : token.Trim();
    }
}
