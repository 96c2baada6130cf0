using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace BuildSign.Core.Keys.Remote;

/// <summary>
/// HTTP to one signing service: TLS verification always on (against the system store, or only the
/// given CA bundle), the bearer credential on every request, and a Polly pipeline — total timeout,
/// retries with jittered exponential backoff on network errors, timeouts, 408, 429 and 5xx honouring
/// a capped Retry-After, a circuit breaker, and a per-attempt timeout. A request is rebuilt for each
/// attempt with the same headers, so a retried batch carries the same Idempotency-Key.
/// </summary>
internal sealed class RemoteServiceClient : IDisposable
{
    private readonly HttpClient _http;
    private string _token;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private int _requests;
    private long _requestBytes;

    public RemoteServiceClient(RemoteKeyAddress address, string token, RemoteServiceOptions options)
    {
        _token = token;
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), ConnectTimeout = TimeSpan.FromSeconds(15) };
        var caFile = address.TlsCaFile ?? Environment.GetEnvironmentVariable(RemoteServiceOptions.TlsCaVariable);
        if (!string.IsNullOrEmpty(caFile))
        {
            var roots = LoadRoots(caFile);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => TrustedBy(roots, certificate, errors);
        }
        _http = new HttpClient(handler) { BaseAddress = new Uri(address.ServiceBase.AbsoluteUri.TrimEnd('/') + "/"), Timeout = Timeout.InfiniteTimeSpan };
        _pipeline = BuildPipeline(options);
    }

    /// <summary>Uses another credential from now on (a session token the service exchanged for an OIDC token).</summary>
    public void UseToken(string token) => _token = token;

    /// <summary>HTTP requests sent, retries included.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Request body bytes sent, retries included.</summary>
    public long RequestBytes => Interlocked.Read(ref _requestBytes);

    /// <summary>Sends a request built afresh for every attempt and returns the final response (the caller disposes it).</summary>
    public async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> build, CancellationToken cancellationToken)
    {
        try
        {
            return await _pipeline.ExecuteAsync(async token =>
            {
                using var request = build();
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
                Interlocked.Increment(ref _requests);
                if (request.Content is not null)
                {
                    await request.Content.LoadIntoBufferAsync(token).ConfigureAwait(false);
                    Interlocked.Add(ref _requestBytes, request.Content.Headers.ContentLength ?? 0);
                }
                return await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, token).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (BrokenCircuitException)
        {
            throw new SigningException($"the signing service at {_http.BaseAddress} keeps failing; the client stopped calling it for a while (circuit open)");
        }
        catch (TimeoutRejectedException)
        {
            throw new SigningException($"the signing service at {_http.BaseAddress} did not answer in time, retries included");
        }
        catch (HttpRequestException ex)
        {
            throw new SigningException($"the signing service at {_http.BaseAddress} could not be reached: {OneLine(ex)}", ex);
        }
    }

    public void Dispose() => _http.Dispose();

    private static ResiliencePipeline<HttpResponseMessage> BuildPipeline(RemoteServiceOptions options)
    {
        var transient = new PredicateBuilder<HttpResponseMessage>()
            .Handle<HttpRequestException>()
            .Handle<TimeoutRejectedException>()
            .Handle<IOException>()
            .HandleResult(r => r.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)r.StatusCode >= 500);
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>().AddTimeout(options.TotalTimeout);
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                // An open circuit is waited out within the total timeout, not fatal at once.
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .Handle<IOException>()
                    .Handle<BrokenCircuitException>()
                    .HandleResult(r => r.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)r.StatusCode >= 500),
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, options.MaxRetryAfter)),
            });
        }
        return builder
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = transient,
                FailureRatio = 0.8,
                MinimumThroughput = Math.Max(10, options.MaxRetries + 2),
                SamplingDuration = TimeSpan.FromSeconds(60),
                BreakDuration = options.BreakDuration,
            })
            .AddTimeout(options.AttemptTimeout)
            .Build();
    }

    // A service's Retry-After replaces the backoff, cut to the cap; without one, the jittered backoff applies (null).
    private static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeSpan cap)
    {
        var header = response?.Headers.RetryAfter;
        if (header is null)
        {
            return null;
        }
        var wait = header.Delta ?? (header.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        if (wait is not { } value)
        {
            return null;
        }
        return value < TimeSpan.Zero ? TimeSpan.Zero : value > cap ? cap : value;
    }

    private static X509Certificate2Collection LoadRoots(string caFile)
    {
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(caFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new SigningException($"the signing service CA bundle {caFile} could not be read: {ex.GetType().Name.Replace("Exception", "", StringComparison.Ordinal)}");
        }
        return roots.Count > 0 ? roots : throw new SigningException($"the signing service CA bundle {caFile} holds no PEM certificate");
    }

    // The name must match (no other policy error), and the chain must end at one of the given CAs.
    private static bool TrustedBy(X509Certificate2Collection roots, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }
        using var leaf = new X509Certificate2(certificate);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(leaf);
    }

    private static string OneLine(Exception ex) => (ex.InnerException?.Message ?? ex.Message).ReplaceLineEndings(" ");
}
