using System.Net.Http.Headers;
using Polly;

namespace BuildSign.Core.Timestamping;

/// <summary>
/// Gets RFC 3161 timestamps for signature values from the configured TSAs, in order, each
/// through retries with backoff; checks every response before returning it. Thread-safe: one
/// instance serves all files of a run, and at most <see cref="TimestampOptions.MaxConcurrentRequests"/>
/// HTTP requests are in flight at once.
/// </summary>
public sealed class TimestampClient : ISignatureTimestamper, IDisposable
{
    private const int MaxResponseBytes = 1024 * 1024;
    private static readonly MediaTypeHeaderValue QueryMediaType = new("application/timestamp-query");
    private static readonly MediaTypeWithQualityHeaderValue ReplyMediaType = new("application/timestamp-reply");

    private readonly TimestampOptions _options;
    private readonly HttpClient _http;
    private readonly SemaphoreSlim _inFlight;
    private readonly ResiliencePipeline<TimestampHttpReply> _retry;
    private readonly ResiliencePipeline _attemptTimeout;

    /// <summary>Creates a client; throws <see cref="SigningException"/> when the options are invalid.</summary>
    public TimestampClient(TimestampOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _inFlight = new SemaphoreSlim(options.MaxConcurrentRequests, options.MaxConcurrentRequests);
        _retry = TimestampRetryPipeline.CreateRetry(options);
        _attemptTimeout = TimestampRetryPipeline.CreateAttemptTimeout(options);
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
        var lastFailure = "";
        foreach (var url in _options.Urls)
        {
            try
            {
                var reply = await _retry.ExecuteAsync(
                    static (state, token) => state.Client.SendOnceAsync(state.Url, state.Der, token),
                    (Client: this, Url: url, request.Der), ct).ConfigureAwait(false);
                if (!reply.IsSuccess)
                {
                    lastFailure = $"{url}: {reply.Describe()}";
                    continue;
                }
                return TimestampResponseValidator.Validate(reply.Body, request.Algorithm, request.Imprint, request.Nonce, url);
            }
            catch (SigningException e)
            {
                // An invalid response will not improve with a retry; another TSA may do better.
                lastFailure = $"{url}: {e.Message}";
            }
            catch (Exception e) when (!ct.IsCancellationRequested && (TimestampRetryPipeline.IsTransientFailure(e) || e is OperationCanceledException))
            {
                lastFailure = $"{url}: {DescribeFailure(e)}";
            }
        }
        var urls = string.Join(", ", _options.Urls);
        throw new SigningException($"timestamping failed at every TSA ({urls}); last error from {lastFailure}");
    }

    /// <inheritdoc />
    public async Task<SignatureTimestamp> TimestampSignatureAsync(ReadOnlyMemory<byte> signatureValue, DigestAlgorithm imprintAlgorithm, CancellationToken cancellationToken)
    {
        var result = await TimestampAsync(signatureValue, imprintAlgorithm, cancellationToken).ConfigureAwait(false);
        return new SignatureTimestamp(result.Token, result.GenTime);
    }

    private async ValueTask<TimestampHttpReply> SendOnceAsync(Uri url, byte[] requestDer, CancellationToken ct)
    {
        // The slot is taken per attempt, outside the attempt timeout: waiting for a slot is not
        // the TSA's slowness, and a request waiting out a backoff holds no slot.
        await _inFlight.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return await _attemptTimeout.ExecuteAsync(
                static (state, token) => state.Client.PostAsync(state.Url, state.Der, token),
                (Client: this, Url: url, Der: requestDer), ct).ConfigureAwait(false);
        }
        finally
        {
            _inFlight.Release();
        }
    }

    private async ValueTask<TimestampHttpReply> PostAsync(Uri url, byte[] requestDer, CancellationToken ct)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(requestDer) };
        message.Content.Headers.ContentType = QueryMediaType;
        message.Headers.Accept.Add(ReplyMediaType);
        using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        var retryAfter = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
            _ => (TimeSpan?)null,
        };
        if (!response.IsSuccessStatusCode)
            return new TimestampHttpReply(response.StatusCode, retryAfter, []);
        if (response.Content.Headers.ContentLength > MaxResponseBytes)
            throw new SigningException($"TSA response is larger than {MaxResponseBytes} bytes");
        var body = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        return new TimestampHttpReply(response.StatusCode, retryAfter, body);
    }

    private static string DescribeFailure(Exception e) => e switch
    {
        Polly.Timeout.TimeoutRejectedException => "no answer within the attempt timeout",
        HttpRequestException { InnerException: { } inner } http => $"{http.Message} ({inner.Message})",
        _ => e.Message,
    };

    /// <summary>Releases the HTTP connections.</summary>
    public void Dispose()
    {
        _http.Dispose();
        _inFlight.Dispose();
    }
}
