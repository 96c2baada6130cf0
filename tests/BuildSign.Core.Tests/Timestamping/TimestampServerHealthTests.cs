using BuildSign.Core.Timestamping;
using BuildSign.DevTools.Timestamping;
using Microsoft.Extensions.Time.Testing;

namespace BuildSign.Core.Tests.Timestamping;

/// <summary>
/// A TSA's health is shared across the run: a hung or failing server costs the run one timeout
/// (or a few fast failures), not one per file. Timeouts run on a fake clock: the test moves time
/// on by exactly what the run may cost and checks that nothing waits for more.
/// </summary>
public sealed class TimestampServerHealthTests
{
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_hung_primary_with_a_good_secondary_costs_sixteen_files_one_timeout()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var hung = TestTsa.StartServer(new TimestampAuthorityServerOptions { Latency = TimeSpan.FromHours(1) });
        await using var good = TestTsa.StartServer();
        using var client = new TimestampClient(Options(hung.Url, good.Url), time);

        var files = Enumerable.Range(0, 16).Select(i => client.TimestampAsync(new byte[] { (byte)i, 1, 2, 3 }, DigestAlgorithm.Sha256, CancellationToken.None)).ToArray();
        // Eight requests (the concurrency limit) reach the hung server and wait there.
        await WaitUntil(() => hung.RequestCount == 8, "8 requests at the hung TSA");
        Assert.DoesNotContain(files, f => f.IsCompleted);

        time.Advance(AttemptTimeout);
        var results = await Task.WhenAll(files).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.All(results, r => Assert.Equal(good.Url, r.Url));
        Assert.Equal(8, hung.RequestCount);
        Assert.Equal(16, good.RequestCount);
    }

    [Fact]
    public async Task A_failing_primary_is_skipped_once_its_breaker_opens()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var failing = TestTsa.StartServer(new TimestampAuthorityServerOptions { FailFirst = int.MaxValue, FailStatus = 500, FailRetryAfterSeconds = null });
        await using var good = TestTsa.StartServer();
        using var client = new TimestampClient(Options(failing.Url, good.Url) with { BaseDelay = TimeSpan.Zero }, time);

        // One file after another: the first files' retries fill the breaker's window, then it opens.
        for (var i = 0; i < 16; i++)
        {
            var result = await client.TimestampAsync(new byte[] { (byte)i }, DigestAlgorithm.Sha256, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(good.Url, result.Url);
        }

        // 3 attempts for the first file, 1 more opens the breaker; 16 files would otherwise cost 48.
        Assert.Equal(4, failing.RequestCount);
        Assert.Equal(16, good.RequestCount);
    }

    [Fact]
    public async Task Retry_after_beyond_the_cap_waits_only_the_cap()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var busy = TestTsa.StartServer(new TimestampAuthorityServerOptions { FailFirst = 1, FailStatus = 429, FailRetryAfterSeconds = 100 });
        using var client = new TimestampClient(Options(busy.Url) with { MaxRetryAfter = TimeSpan.FromSeconds(5) }, time);

        var stamping = client.TimestampAsync(new byte[] { 1 }, DigestAlgorithm.Sha256, CancellationToken.None);
        await WaitUntil(() => busy.RequestCount == 1, "the first request");
        // Move the fake clock on in small steps until the retry goes out: it must not need the 100 s asked for.
        var waited = TimeSpan.Zero;
        for (var i = 0; i < 400 && busy.RequestCount < 2; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(250));
            waited += TimeSpan.FromMilliseconds(250);
            await Task.Delay(20);
        }

        var result = await stamping.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(busy.Url, result.Url);
        Assert.Equal(2, busy.RequestCount);
        Assert.InRange(waited, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task The_run_time_limit_ends_every_wait_at_once()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var hung = TestTsa.StartServer(new TimestampAuthorityServerOptions { Latency = TimeSpan.FromHours(1) });
        using var client = new TimestampClient(Options(hung.Url) with { AttemptTimeout = TimeSpan.FromMinutes(30), RunTimeout = TimeSpan.FromMinutes(2) }, time);

        var files = Enumerable.Range(0, 4).Select(i => client.TimestampAsync(new byte[] { (byte)i }, DigestAlgorithm.Sha256, CancellationToken.None)).ToArray();
        await WaitUntil(() => hung.RequestCount == 4, "4 requests at the hung TSA");
        time.Advance(TimeSpan.FromMinutes(2));

        foreach (var file in files)
        {
            var error = await Assert.ThrowsAsync<SigningException>(() => file.WaitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains("time limit", error.Message);
        }
        Assert.Equal(4, hung.RequestCount);
    }

    private static TimestampOptions Options(params Uri[] urls) => new()
    {
        Urls = urls,
        AttemptsPerUrl = 3,
        AttemptTimeout = AttemptTimeout,
        BaseDelay = TimeSpan.FromSeconds(1),
        MaxConcurrentRequests = 8,
    };

    // Real requests take real (short) time to arrive: poll, bounded.
    private static async Task WaitUntil(Func<bool> condition, string what)
    {
        for (var i = 0; i < 600 && !condition(); i++)
            await Task.Delay(50);
        Assert.True(condition(), $"timed out waiting for {what}");
    }
}
