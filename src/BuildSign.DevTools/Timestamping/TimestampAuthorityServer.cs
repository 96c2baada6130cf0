using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Polly;

using BuildSign.Core;
using BuildSign.Core.Timestamping;

namespace BuildSign.DevTools.Timestamping;

/// <summary>
/// Serves a <see cref="TimestampAuthority"/> over HTTP on 127.0.0.1 (POST application/timestamp-query,
/// answered with application/timestamp-reply), for development, tests and benchmarks. Requests are
/// handled concurrently; latency and failures can be injected, and requests are counted.
/// </summary>
public sealed class TimestampAuthorityServer : IAsyncDisposable
{
    private const int MaxRequestBytes = 64 * 1024;

    private readonly TimestampAuthority _authority;
    private readonly TimestampAuthorityServerOptions _options;
    private readonly object _gate = new();
    private readonly HashSet<Task> _handlers = [];
    private readonly CancellationTokenSource _stopping = new();
    private HttpListener? _listener;
    private Task? _acceptLoop;
    private long _requestCount;
    private int _inFlight;
    private int _maxInFlight;

    /// <summary>Creates a server; call <see cref="Start"/> to listen.</summary>
    public TimestampAuthorityServer(TimestampAuthority authority, TimestampAuthorityServerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(authority);
        _authority = authority;
        _options = options ?? new TimestampAuthorityServerOptions();
        if (_options.Port is < 0 or > 65535)
            throw new SigningException($"TSA server port must be between 0 and 65535 (got {_options.Port})");
        if (_options.FailStatus is < 100 or > 599)
            throw new SigningException($"TSA server failure status must be an HTTP status (got {_options.FailStatus})");
    }

    /// <summary>The URL to send requests to, e.g. http://127.0.0.1:40123/. Valid once started.</summary>
    public Uri Url => new($"http://127.0.0.1:{Port}/");

    /// <summary>The port listened on. Valid once started.</summary>
    public int Port { get; private set; }

    /// <summary>Requests received so far, failed ones included.</summary>
    public long RequestCount => Interlocked.Read(ref _requestCount);

    /// <summary>The most requests that were being handled at one time.</summary>
    public int MaxInFlight { get { lock (_gate) return _maxInFlight; } }

    /// <summary>Starts listening; throws <see cref="SigningException"/> when the port cannot be bound.</summary>
    public void Start()
    {
        if (_listener is not null)
            throw new InvalidOperationException("the server is already started");
        // HttpListener cannot bind port 0 itself: a free port is picked, which another process may take
        // before it is bound, so a picked port is retried a few times.
        var binding = new ResiliencePipelineBuilder()
            .AddRetry(new Polly.Retry.RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<HttpListenerException>(_ => _options.Port == 0),
                MaxRetryAttempts = 5,
                Delay = TimeSpan.Zero,
            })
            .Build();
        try
        {
            (_listener, Port) = binding.Execute(Listen);
        }
        catch (HttpListenerException e)
        {
            throw new SigningException($"TSA server cannot listen on 127.0.0.1:{_options.Port}: {e.Message}", e);
        }
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>Stops listening and waits for requests being handled.</summary>
    public async Task StopAsync()
    {
        if (_listener is null || _stopping.IsCancellationRequested)
            return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        if (_acceptLoop is not null)
            await _acceptLoop.ConfigureAwait(false);
        Task[] running;
        lock (_gate) running = [.. _handlers];
        await Task.WhenAll(running).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        try
        {
            _listener.Close();
        }
        catch (HttpListenerException)
        {
            // Stop() already released the port. The managed HttpListener's Close() looks the
            // endpoint up again and may try to re-bind it, failing when another process has
            // taken the port meanwhile; there is nothing left to release then.
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private (HttpListener Listener, int Port) Listen()
    {
        var port = _options.Port != 0 ? _options.Port : PickFreePort();
        var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        try
        {
            listener.Start();
        }
        catch
        {
            listener.Close();
            throw;
        }
        return (listener, port);
    }

    private static int PickFreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener!.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException && _stopping.IsCancellationRequested)
            {
                return;
            }
            // Each request runs on its own, so injected latency overlaps instead of queueing.
            var handler = Task.Run(() => HandleAsync(context));
            lock (_gate) _handlers.Add(handler);
            _ = handler.ContinueWith(done => { lock (_gate) _handlers.Remove(done); }, TaskScheduler.Default);
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var number = Interlocked.Increment(ref _requestCount);
        var response = context.Response;
        EnterRequest();
        var entered = true;
        try
        {
            if (_options.Latency > TimeSpan.Zero)
                await Task.Delay(_options.Latency, _stopping.Token).ConfigureAwait(false);

            var (status, body) = await AnswerAsync(context.Request, number).ConfigureAwait(false);
            response.StatusCode = status;
            if (status == _options.FailStatus && number <= _options.FailFirst && _options.FailRetryAfterSeconds is { } seconds)
                response.AddHeader("Retry-After", seconds.ToString(CultureInfo.InvariantCulture));
            if (body is not null)
            {
                response.ContentType = "application/timestamp-reply";
                response.ContentLength64 = body.Length;
            }
            // Leave before answering: a client that has its answer may start its next request, and
            // must not find this one still counted.
            LeaveRequest();
            entered = false;
            if (body is not null)
                await response.OutputStream.WriteAsync(body, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or HttpListenerException or IOException or ObjectDisposedException)
        {
            // The server is stopping or the client went away: nothing to answer.
        }
        finally
        {
            if (entered)
                LeaveRequest();
            try { response.Close(); } catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException or InvalidOperationException) { }
        }
    }

    private async Task<(int Status, byte[]? Body)> AnswerAsync(HttpListenerRequest request, long number)
    {
        if (number <= _options.FailFirst)
            return (_options.FailStatus, null);
        if (request.HttpMethod != "POST")
            return ((int)HttpStatusCode.MethodNotAllowed, null);
        if (!string.Equals(request.ContentType?.Split(';')[0].Trim(), "application/timestamp-query", StringComparison.OrdinalIgnoreCase))
            return ((int)HttpStatusCode.UnsupportedMediaType, null);
        if (request.ContentLength64 > MaxRequestBytes)
            return ((int)HttpStatusCode.RequestEntityTooLarge, null);

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.InputStream.ReadAsync(chunk, _stopping.Token).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxRequestBytes)
                return ((int)HttpStatusCode.RequestEntityTooLarge, null);
            buffer.Write(chunk, 0, read);
        }
        try
        {
            var answer = _authority.Respond(buffer.ToArray());
            return ((int)HttpStatusCode.OK, _options.TransformResponse is { } transform ? transform(number, answer) : answer);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Respond answers bad requests itself; anything else is this server's fault, and a
            // client must see a 500 rather than an empty 200.
            return ((int)HttpStatusCode.InternalServerError, null);
        }
    }

    private void EnterRequest()
    {
        lock (_gate)
        {
            _inFlight++;
            _maxInFlight = Math.Max(_maxInFlight, _inFlight);
        }
    }

    private void LeaveRequest()
    {
        lock (_gate) _inFlight--;
    }
}
