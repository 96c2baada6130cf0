using BuildSign.Core.Timestamping;
using BuildSign.DevTools.Timestamping;

namespace BuildSign.Core.Tests.Timestamping;

/// <summary>The client's bound on requests in flight, and the server's ability to overlap them.</summary>
public sealed class TimestampConcurrencyTests
{
    [Fact]
    public async Task Client_never_has_more_requests_in_flight_than_its_limit()
    {
        await using var server = TestTsa.StartServer(new TimestampAuthorityServerOptions { Latency = TimeSpan.FromMilliseconds(30) });
        using var client = new TimestampClient(TestTsa.FastOptions(server.Url) with { MaxConcurrentRequests = 4 });

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            Task.Run(() => client.TimestampAsync(BitConverter.GetBytes(i), DigestAlgorithm.Sha256, CancellationToken.None))));

        Assert.Equal(50, server.RequestCount);
        Assert.InRange(server.MaxInFlight, 2, 4);
        Assert.Equal(50, results.Select(r => Convert.ToHexString(r.Token)).Distinct().Count());
    }

    [Fact]
    public async Task Server_overlaps_requests_behind_its_latency()
    {
        const int Requests = 100;
        var latency = TimeSpan.FromMilliseconds(50);
        await using var server = TestTsa.StartServer(new TimestampAuthorityServerOptions { Latency = latency });
        using var client = new TimestampClient(TestTsa.FastOptions(server.Url) with { MaxConcurrentRequests = 16 });

        await Task.WhenAll(Enumerable.Range(0, Requests).Select(i =>
            Task.Run(() => client.TimestampAsync(BitConverter.GetBytes(i), DigestAlgorithm.Sha256, CancellationToken.None))));

        // Each request is held 50 ms inside the server, so a server that queued requests behind
        // its latency would never hold more than one at a time (wall time is no measure on a shared machine).
        Assert.InRange(server.MaxInFlight, 8, 16);
        Assert.Equal(Requests, server.RequestCount);
    }
}
