using System.Diagnostics;
using BuildSign.Core.Timestamping;
using BuildSign.DevTools.Timestamping;
using Microsoft.Extensions.Time.Testing;

namespace BuildSign.Core.Tests.Timestamping;

/// <summary>Retries, Retry-After, fallback to the next URL, and the final error.</summary>
public sealed class TimestampClientRetryTests
{
    private static readonly byte[] SignatureValue = [0x5a, 0x01, 0x02, 0x03, 0x04, 0x05];

    [Fact]
    public async Task Retries_after_503_honouring_retry_after_then_succeeds()
    {
        await using var server = TestTsa.StartServer(new TimestampAuthorityServerOptions { FailFirst = 2, FailStatus = 503, FailRetryAfterSeconds = 1 });
        using var client = new TimestampClient(TestTsa.FastOptions(server.Url) with { MaxRetryAfter = TimeSpan.FromSeconds(30) });

        var clock = Stopwatch.StartNew();
        var result = await client.TimestampAsync(SignatureValue, DigestAlgorithm.Sha256, CancellationToken.None);

        Assert.Equal(3, server.RequestCount);
        Assert.NotEmpty(result.Token);
        // Two waits of Retry-After: 1 s each, not the 10 ms base delay.
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.9), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Retry_after_is_capped_by_the_options()
    {
        await using var server = TestTsa.StartServer(new TimestampAuthorityServerOptions { FailFirst = 2, FailStatus = 429, FailRetryAfterSeconds = 3600 });
        using var client = new TimestampClient(TestTsa.FastOptions(server.Url) with { MaxRetryAfter = TimeSpan.FromMilliseconds(50) });

        var clock = Stopwatch.StartNew();
        await client.TimestampAsync(SignatureValue, DigestAlgorithm.Sha256, CancellationToken.None);

        Assert.Equal(3, server.RequestCount);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task All_urls_failing_gives_one_error_naming_them_and_the_last_reason()
    {
        await using var first = TestTsa.StartServer(new TimestampAuthorityServerOptions { FailFirst = int.MaxValue, FailStatus = 503 });
        await using var second = TestTsa.StartServer(new TimestampAuthorityServerOptions { FailFirst = int.MaxValue, FailStatus = 500, FailRetryAfterSeconds = null });
        using var client = new TimestampClient(TestTsa.FastOptions(first.Url, second.Url));

        var error = await Assert.ThrowsAsync<SigningException>(() => client.TimestampAsync(SignatureValue, DigestAlgorithm.Sha256, CancellationToken.None));

        Assert.Contains(first.Url.ToString(), error.Message);
        Assert.Contains(second.Url.ToString(), error.Message);
        Assert.Contains("HTTP 500", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Equal(3, first.RequestCount);
        Assert.Equal(3, second.RequestCount);
    }

    [Fact]
    public async Task Refused_connection_moves_on_to_the_next_url()
    {
        var closed = TestTsa.ClosedPortUrl();
        await using var server = TestTsa.StartServer();
        using var client = new TimestampClient(TestTsa.FastOptions(closed, server.Url));

        var result = await client.TimestampAsync(SignatureValue, DigestAlgorithm.Sha256, CancellationToken.None);

        Assert.Equal(server.Url, result.Url);
        Assert.Equal(1, server.RequestCount);
    }

    [Fact]
    public async Task Refused_connection_alone_is_reported_as_a_network_failure()
    {
        var closed = TestTsa.ClosedPortUrl();
        using var client = new TimestampClient(TestTsa.FastOptions(closed));

        var error = await Assert.ThrowsAsync<SigningException>(() => client.TimestampAsync(SignatureValue, DigestAlgorithm.Sha256, CancellationToken.None));

        Assert.Contains(closed.ToString(), error.Message);
        Assert.Contains("refused", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Client_error_status_is_not_retried()
    {
        await using var notFound = TestTsa.StartServer(new TimestampAuthorityServerOptions { FailFirst = int.MaxValue, FailStatus = 404, FailRetryAfterSeconds = null });
        await using var good = TestTsa.StartServer();
        using var client = new TimestampClient(TestTsa.FastOptions(notFound.Url, good.Url));

        await client.TimestampAsync(SignatureValue, DigestAlgorithm.Sha256, CancellationToken.None);

        Assert.Equal(1, notFound.RequestCount);
        Assert.Equal(1, good.RequestCount);
    }

    [Fact]
    public async Task Slow_server_times_out_per_attempt_and_is_retried()
    {
        // The server never answers within the test; the client's clock is fake, so each attempt
        // times out exactly when the test moves time past the attempt timeout, whatever the load.
        await using var slow = TestTsa.StartServer(new TimestampAuthorityServerOptions { Latency = TimeSpan.FromMinutes(10) });
        var time = new FakeTimeProvider();
        var options = TestTsa.FastOptions(slow.Url) with { AttemptsPerUrl = 2, AttemptTimeout = TimeSpan.FromSeconds(15), BaseDelay = TimeSpan.Zero };
        using var client = new TimestampClient(options, time);

        var call = client.TimestampAsync(SignatureValue, DigestAlgorithm.Sha256, CancellationToken.None);

        await WaitUntilAsync(() => slow.RequestCount == 1, call);
        Assert.False(call.IsCompleted);
        time.Advance(options.AttemptTimeout - TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, slow.RequestCount); // not retried before the attempt timeout
        time.Advance(TimeSpan.FromMilliseconds(1)); // the timeout; the retry follows at once (no backoff)
        await WaitUntilAsync(() => slow.RequestCount == 2, call);
        time.Advance(options.AttemptTimeout);

        var error = await Assert.ThrowsAsync<SigningException>(() => call.WaitAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains("timeout", error.Message);
        Assert.Equal(2, slow.RequestCount);
    }

    /// <summary>Waits (bounded, no fixed sleeps) until the server saw what the test expects, or the call ended early.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition, Task call)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (call.IsCompleted) await call; // surfaces an early failure instead of a timeout
            Assert.True(DateTime.UtcNow < deadline, "the server did not see the expected request within 30 s");
            await Task.Yield();
            await Task.Delay(1);
        }
    }

    [Fact]
    public async Task Cancellation_by_the_caller_is_not_turned_into_a_signing_error()
    {
        await using var slow = TestTsa.StartServer(new TimestampAuthorityServerOptions { Latency = TimeSpan.FromSeconds(5) });
        using var client = new TimestampClient(TestTsa.FastOptions(slow.Url));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.TimestampAsync(SignatureValue, DigestAlgorithm.Sha256, cancel.Token));
    }

    [Theory]
    [InlineData("ftp://tsa.example/")]
    [InlineData("/relative")]
    public void Invalid_url_is_refused_at_construction(string url)
    {
        var error = Assert.Throws<SigningException>(() => new TimestampClient(new TimestampOptions { Urls = [new Uri(url, UriKind.RelativeOrAbsolute)] }));
        Assert.Contains("URL", error.Message);
    }

    [Fact]
    public void No_url_is_refused_at_construction()
    {
        Assert.Throws<SigningException>(() => new TimestampClient(new TimestampOptions { Urls = [] }));
    }
}
