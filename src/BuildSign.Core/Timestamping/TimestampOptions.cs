namespace BuildSign.Core.Timestamping;

/// <summary>Where and how <see cref="TimestampClient"/> asks for RFC 3161 timestamps.</summary>
public sealed record TimestampOptions
{
    /// <summary>The polite default for <see cref="MaxConcurrentRequests"/>: public TSAs throttle clients that flood them.</summary>
    public const int DefaultMaxConcurrentRequests = 8;

    /// <summary>The timestamp authorities, tried in order; the next one is used when one fails after its retries.</summary>
    public required IReadOnlyList<Uri> Urls { get; init; }

    /// <summary>Attempts per URL, the first included (1 = no retry). Default 3.</summary>
    public int AttemptsPerUrl { get; init; } = 3;

    /// <summary>The time one HTTP attempt may take, response body included. Default 15 s.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The first retry delay; later ones grow exponentially, with jitter. Default 1 s.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest Retry-After a TSA may ask the client to wait; longer requests are capped to this. Default 30 s.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a run may spend on timestamps in all, from its first request: past it, every file
    /// still waiting fails at once rather than each waiting out its own retries. Default 10 minutes.
    /// </summary>
    public TimeSpan RunTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long a TSA that keeps failing (or stopped answering) is left alone before one request
    /// tries it again; meanwhile its requests go to the next URL at once. Default 30 s.
    /// </summary>
    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The most HTTP requests one client has in flight at a time, over all callers and URLs.
    /// Default <see cref="DefaultMaxConcurrentRequests"/>.
    /// </summary>
    public int MaxConcurrentRequests { get; init; } = DefaultMaxConcurrentRequests;

    /// <summary>Throws a <see cref="SigningException"/> naming the first invalid setting.</summary>
    internal void Validate()
    {
        if (Urls is null || Urls.Count == 0)
            throw new SigningException("no timestamp server URL is configured");
        foreach (var url in Urls)
        {
            if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
                throw new SigningException($"timestamp server URL '{url}' is not an absolute http or https URL");
        }
        if (AttemptsPerUrl < 1)
            throw new SigningException($"timestamp attempts per URL must be at least 1 (got {AttemptsPerUrl})");
        // Polly's timeout strategy accepts 10 ms to 1 day.
        if (AttemptTimeout < TimeSpan.FromMilliseconds(10) || AttemptTimeout > TimeSpan.FromDays(1))
            throw new SigningException($"timestamp attempt timeout must be between 10 ms and 1 day (got {AttemptTimeout})");
        if (BaseDelay < TimeSpan.Zero || BaseDelay > TimeSpan.FromHours(1))
            throw new SigningException($"timestamp retry delay must be between 0 and 1 hour (got {BaseDelay})");
        if (MaxRetryAfter < TimeSpan.Zero || MaxRetryAfter > TimeSpan.FromHours(1))
            throw new SigningException($"timestamp maximum Retry-After must be between 0 and 1 hour (got {MaxRetryAfter})");
        if (RunTimeout < TimeSpan.FromSeconds(1) || RunTimeout > TimeSpan.FromDays(1))
            throw new SigningException($"the run's timestamp time limit must be between 1 s and 1 day (got {RunTimeout})");
        // Polly's circuit breaker accepts break durations from 0.5 s to 1 day.
        if (BreakDuration < TimeSpan.FromMilliseconds(500) || BreakDuration > TimeSpan.FromDays(1))
            throw new SigningException($"the timestamp server break duration must be between 0.5 s and 1 day (got {BreakDuration})");
        if (MaxConcurrentRequests < 1)
            throw new SigningException($"timestamp maximum concurrent requests must be at least 1 (got {MaxConcurrentRequests})");
    }
}
