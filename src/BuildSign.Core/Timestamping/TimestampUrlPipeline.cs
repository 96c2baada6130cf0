using System.Net.Sockets;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace BuildSign.Core.Timestamping;

/// <summary>
/// The resilience one TSA URL has for a whole run, shared by every file: retries with jittered
/// backoff (or the server's capped Retry-After) around Polly's circuit breaker around a timeout
/// per attempt. The breaker opens when the URL keeps failing; an attempt that times out isolates
/// it at that instant when another URL follows (the server stopped answering, and the requests queued behind it must not
/// wait out the same timeout). While open or isolated, its requests fail at once and the client
/// moves on to the next URL; after <see cref="TimestampOptions.BreakDuration"/> one request tries again.
/// </summary>
internal sealed class TimestampUrlPipeline : IDisposable
{
    private readonly CircuitBreakerStateProvider _state = new();
    private readonly CircuitBreakerManualControl _control = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _breakDuration;
    private readonly bool _hasFallback;
    private ITimer? _reopen;
    private int _stalled;

    public TimestampUrlPipeline(Uri url, TimestampOptions options, TimeProvider time, bool hasFallback)
    {
        Url = url;
        _hasFallback = hasFallback;
        _time = time;
        _breakDuration = options.BreakDuration;
        Retry = CreateRetry(options, time, _state);
        Attempt = new ResiliencePipelineBuilder<TimestampAttempt> { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<TimestampAttempt>
            {
                // A single file's own retries never open it; failures of several files do.
                MinimumThroughput = Math.Max(2, options.AttemptsPerUrl + 1),
                FailureRatio = 0.5,
                SamplingDuration = TimeSpan.FromSeconds(Math.Max(30, options.BreakDuration.TotalSeconds)),
                BreakDuration = options.BreakDuration,
                StateProvider = _state,
                ManualControl = _control,
                ShouldHandle = args => ValueTask.FromResult(IsFailure(args.Outcome)),
            })
            .AddTimeout(options.AttemptTimeout)
            .Build();
    }

    public Uri Url { get; }

    /// <summary>Retries around one URL's attempts.</summary>
    public ResiliencePipeline<TimestampAttempt> Retry { get; }

    /// <summary>One attempt: circuit breaker and attempt timeout.</summary>
    public ResiliencePipeline<TimestampAttempt> Attempt { get; }

    /// <summary>True while the URL is left alone (open or isolated).</summary>
    public bool IsBroken => _state.CircuitState is CircuitState.Open or CircuitState.Isolated;

    /// <summary>
    /// Called from the attempt's cancellation, synchronously at the moment it times out: isolates
    /// the URL so that requests still queued for it go elsewhere, and schedules its reopening.
    /// </summary>
    public void Stalled()
    {
        // The last URL is not isolated on one timeout: there is nowhere else to go, and its
        // ordinary breaker and the run's time limit bound the wait.
        if (!_hasFallback || Interlocked.Exchange(ref _stalled, 1) == 1)
            return;
        _ = _control.IsolateAsync();
        _reopen?.Dispose();
        _reopen = _time.CreateTimer(_ =>
        {
            Volatile.Write(ref _stalled, 0);
            _ = _control.CloseAsync();
        }, null, _breakDuration, Timeout.InfiniteTimeSpan);
    }

    /// <summary>True for failures of the network or the server, as opposed to cancellation by the caller.</summary>
    public static bool IsTransientFailure(Exception exception) =>
        exception is HttpRequestException or TimeoutRejectedException or IOException or SocketException;

    public void Dispose() => _reopen?.Dispose();

    private static bool IsFailure(Outcome<TimestampAttempt> outcome) => outcome switch
    {
        { Exception: { } e } => IsTransientFailure(e),
        { Result: { Failure: not null } } => true,
        _ => false,
    };

    private static ResiliencePipeline<TimestampAttempt> CreateRetry(TimestampOptions options, TimeProvider time, CircuitBreakerStateProvider state)
    {
        var builder = new ResiliencePipelineBuilder<TimestampAttempt> { TimeProvider = time };
        if (options.AttemptsPerUrl > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<TimestampAttempt>
            {
                MaxRetryAttempts = options.AttemptsPerUrl - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                // An open circuit means the URL is failing for everyone: go on to the next at once.
                ShouldHandle = args => ValueTask.FromResult(state.CircuitState is not (CircuitState.Open or CircuitState.Isolated) && args.Outcome switch
                {
                    { Exception: { } e } => IsTransientFailure(e),
                    { Result: { } attempt } => attempt.Failure is not null && attempt.Retryable,
                    _ => false,
                }),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(
                    args.Outcome.Result?.RetryAfter is { } wait ? Min(wait, options.MaxRetryAfter) : null),
            });
        }
        return builder.Build();
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
