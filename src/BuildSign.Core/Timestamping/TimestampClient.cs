using System.Net.Http.Headers;
using Polly;
using Polly.CircuitBreaker;

namespace BuildSign.Core.Timestamping;

/// <summary>
/// Gets RFC 3161 timestamps for signature values from the configured TSAs, in order. One
/// instance serves every file of a run and keeps each TSA's health for the whole run (a circuit
/// breaker per URL), so a dead or hung server costs the run one timeout rather than one per
/// file. Every response is checked with the verifier's own token checks before it is returned;
/// a malformed, truncated or wrongly signed response is that attempt's failure (retried, then
/// the next URL). The whole run's timestamp wait is bounded by <see cref="TimestampOptions.RunTimeout"/>.
/// Thread-safe; at most <see cref="TimestampOptions.MaxConcurrentRequests"/> requests in flight.
/// </summary>
public sealed class TimestampClient : ISignatureTimestamper, IDisposable
{
    private const int MaxResponseBytes = 1024 * 1024;
    private static readonly MediaTypeHeaderValue QueryMediaType = new("application/timestamp-query");
    private static readonly MediaTypeWithQualityHeaderValue ReplyMediaType = new("application/timestamp-reply");

    private readonly TimestampOptions _options;
    private readonly TimeProvider _time;
    private readonly HttpClient _http;
    private readonly SemaphoreSlim _inFlight;
    private readonly TimestampUrlPipeline[] _urls;
    private readonly Lazy<CancellationTokenSource> _runBudget;

    /// <summary>Creates a client; throws <see cref="SigningException"/> when the options are invalid.</summary>
    /// <param name="options">The TSAs and the waits.</param>
    /// <param name="timeProvider">The clock for timeouts, backoff, breaks and the run limit; the system clock when null.</param>
    public TimestampClient(TimestampOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _inFlight = new SemaphoreSlim(options.MaxConcurrentRequests, options.MaxConcurrentRequests);
        _urls = [.. options.Urls.Select((u, i) => new TimestampUrlPipeline(u, options, _time, hasFallback: i < options.Urls.Count - 1))];
        _runBudget = new(() => new CancellationTokenSource(options.RunTimeout, _time), LazyThreadSafetyMode.ExecutionAndPublication);
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = options.MaxConcurrentRequests,
            ConnectTimeout = options.AttemptTimeout,
        };
        // Polly bounds each attempt; HttpClient's own timeout would only race it.
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan, MaxResponseContentBufferSize = MaxResponseBytes };
    }

    /// <summary>The options in use.</summary>
    public TimestampOptions Options => _options;

    /// <summary>
    /// Timestamps a signature value: the request's message imprint is its hash with
    /// <paramref name="imprintAlgorithm"/>. Throws <see cref="SigningException"/> naming the URLs and the
    /// last reason when no TSA gave a valid timestamp.
    /// </summary>
    /// <param name="signatureValue">The SignerInfo's signature value (the encrypted digest octets).</param>
    /// <param name="imprintAlgorithm">The hash algorithm for the message imprint.</param>
    /// <param name="ct">Cancels the whole operation, waits included.</param>
    public async Task<TimestampResult> TimestampAsync(ReadOnlyMemory<byte> signatureValue, DigestAlgorithm imprintAlgorithm, CancellationToken ct)
    {
        var request = TimestampRequest.Create(signatureValue.Span, imprintAlgorithm);
        var budget = _runBudget.Value.Token;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, budget);
        var failures = new List<string>();
        foreach (var url in _urls)
        {
            if (budget.IsCancellationRequested)
                break;
            try
            {
                var attempt = await url.Retry.ExecuteAsync(
                    static (state, token) => state.Client.AttemptAsync(state.Url, state.Request, state.Caller, token),
                    (Client: this, Url: url, Request: request, Caller: ct), linked.Token).ConfigureAwait(false);
                if (attempt.Result is { } result)
                    return result;
                failures.Add($"{url.Url}: {attempt.Failure}");
            }
            catch (BrokenCircuitException)
            {
                failures.Add($"{url.Url}: skipped, it failed or stopped answering for other files of this run");
            }
            catch (Exception e) when (!ct.IsCancellationRequested && (TimestampUrlPipeline.IsTransientFailure(e) || e is OperationCanceledException))
            {
                failures.Add($"{url.Url}: {(budget.IsCancellationRequested ? RunLimitReached() : DescribeFailure(e))}");
            }
        }
        ct.ThrowIfCancellationRequested();
        if (budget.IsCancellationRequested && failures.Count < _urls.Length)
            failures.Add(RunLimitReached());
        var urls = string.Join(", ", _options.Urls);
        throw new SigningException($"timestamping failed at every TSA ({urls}); {string.Join("; ", failures)}");
    }

    /// <inheritdoc />
    public async Task<SignatureTimestamp> TimestampSignatureAsync(ReadOnlyMemory<byte> signatureValue, DigestAlgorithm imprintAlgorithm, CancellationToken cancellationToken)
    {
        var result = await TimestampAsync(signatureValue, imprintAlgorithm, cancellationToken).ConfigureAwait(false);
        return new SignatureTimestamp(result.Token, result.GenTime);
    }

    private string RunLimitReached() => $"the run's timestamp time limit ({_options.RunTimeout}) was reached";

    // The slot is taken per attempt and outside the circuit breaker: waiting for a slot is not the
    // TSA's slowness, a request waiting out a backoff holds no slot, and a request that got its
    // slot after the URL broke down is turned away at once instead of joining the queue there.
    private async ValueTask<TimestampAttempt> AttemptAsync(TimestampUrlPipeline url, TimestampRequest request, CancellationToken caller, CancellationToken ct)
    {
        await _inFlight.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return await url.Attempt.ExecuteAsync(
                static (state, token) => state.Client.PostAsync(state.Url, state.Request, state.Caller, token),
                (Client: this, Url: url, Request: request, Caller: caller), ct).ConfigureAwait(false);
        }
        finally
        {
            _inFlight.Release();
        }
    }

    private async ValueTask<TimestampAttempt> PostAsync(TimestampUrlPipeline url, TimestampRequest request, CancellationToken caller, CancellationToken ct)
    {
        // Runs synchronously when the attempt times out, before any queued request takes this slot.
        await using var stall = ct.Register(static state =>
        {
            var (pipeline, callerToken) = ((TimestampUrlPipeline, CancellationToken))state!;
            if (!callerToken.IsCancellationRequested)
                pipeline.Stalled();
        }, (url, caller)).ConfigureAwait(false);

        using var message = new HttpRequestMessage(HttpMethod.Post, url.Url) { Content = new ByteArrayContent(request.Der) };
        message.Content.Headers.ContentType = QueryMediaType;
        message.Headers.Accept.Add(ReplyMediaType);
        using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        var retryAfter = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - _time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
            _ => (TimeSpan?)null,
        };
        var reply = new TimestampHttpReply(response.StatusCode, retryAfter, []);
        if (!reply.IsSuccess)
            return TimestampAttempt.Failed(reply.Describe(), reply.IsTransient, retryAfter);
        if (response.Content.Headers.ContentLength > MaxResponseBytes)
            return TimestampAttempt.Failed($"response is larger than {MaxResponseBytes} bytes", retryable: false);
        byte[] body;
        try
        {
            body = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (e.InnerException is null or not IOException)
        {
            // Over MaxResponseContentBufferSize without a Content-Length.
            return TimestampAttempt.Failed($"response is larger than {MaxResponseBytes} bytes", retryable: false);
        }
        return Check(body, request, url.Url);
    }

    // A bad answer is this attempt's failure, whatever is wrong with it: a server that sent a
    // corrupt or truncated response once may send a good one on the next try.
    private static TimestampAttempt Check(byte[] body, TimestampRequest request, Uri url)
    {
        try
        {
            return TimestampAttempt.Succeeded(TimestampResponseValidator.Validate(body, request.Algorithm, request.Imprint, request.Nonce, url));
        }
        catch (SigningException e)
        {
            return TimestampAttempt.Failed(e.Message, retryable: true);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return TimestampAttempt.Failed($"invalid timestamp response ({e.GetType().Name})", retryable: true);
        }
    }

    private static string DescribeFailure(Exception e) => e switch
    {
        Polly.Timeout.TimeoutRejectedException or OperationCanceledException => "no answer within the attempt timeout",
        HttpRequestException { InnerException: { } inner } http => $"{http.Message} ({inner.Message})",
        _ => e.Message,
    };

    /// <summary>Releases the HTTP connections and timers.</summary>
    public void Dispose()
    {
        _http.Dispose();
        _inFlight.Dispose();
        foreach (var url in _urls)
            url.Dispose();
        if (_runBudget.IsValueCreated)
            _runBudget.Value.Dispose();
    }
}
