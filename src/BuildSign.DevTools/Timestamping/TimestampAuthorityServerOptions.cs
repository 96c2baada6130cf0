using BuildSign.Core;
using BuildSign.Core.Timestamping;

namespace BuildSign.DevTools.Timestamping;

/// <summary>How a <see cref="TimestampAuthorityServer"/> listens, and the faults it injects for tests and benchmarks.</summary>
public sealed record TimestampAuthorityServerOptions
{
    /// <summary>The port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>A delay added to every request before it is answered, as a distant TSA would have.</summary>
    public TimeSpan Latency { get; init; } = TimeSpan.Zero;

    /// <summary>How many of the first requests are answered with <see cref="FailStatus"/> instead of a timestamp.</summary>
    public int FailFirst { get; init; }

    /// <summary>The HTTP status of the injected failures. Default 503.</summary>
    public int FailStatus { get; init; } = 503;

    /// <summary>The Retry-After (whole seconds) sent with injected failures; null sends none. Default 1.</summary>
    public int? FailRetryAfterSeconds { get; init; } = 1;

    /// <summary>
    /// Rewrites each granted response before it is sent, given the request's number (1-based) and
    /// the real response: a fault-injecting TSA for tests (corrupt, truncate, swap). Null sends responses as made.
    /// </summary>
    public Func<long, byte[], byte[]>? TransformResponse { get; init; }
}
