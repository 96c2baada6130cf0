using System.Net;
using System.Net.Sockets;
using BuildSign.Core.Timestamping;
using BuildSign.DevTools.Timestamping;
using BuildSign.Testing;

namespace BuildSign.Core.Tests.Timestamping;

/// <summary>Test TSAs: the test PKI's TSA, servers for it, and client options with short waits.</summary>
internal static class TestTsa
{
    private static readonly Lazy<TimestampAuthority> SharedAuthority = new(() => new TimestampAuthority(TestPki.Shared.TsaLeaf, TestPki.Shared.TsaKey));

    /// <summary>The authority signing with the test PKI's TSA leaf (critical timeStamping EKU).</summary>
    public static TimestampAuthority Authority => SharedAuthority.Value;

    public static TimestampAuthorityServer StartServer(TimestampAuthorityServerOptions? options = null, TimestampAuthority? authority = null)
    {
        var server = new TimestampAuthorityServer(authority ?? Authority, options);
        server.Start();
        return server;
    }

    /// <summary>Client options with small backoff so retry tests stay fast.</summary>
    public static TimestampOptions FastOptions(params Uri[] urls) => new()
    {
        Urls = urls,
        AttemptsPerUrl = 3,
        AttemptTimeout = TimeSpan.FromSeconds(10),
        BaseDelay = TimeSpan.FromMilliseconds(10),
        MaxRetryAfter = TimeSpan.FromMilliseconds(50),
    };

    /// <summary>A URL on 127.0.0.1 where nothing listens: connections are refused.</summary>
    public static Uri ClosedPortUrl()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new Uri($"http://127.0.0.1:{port}/");
    }

    public const string TimeStampingEku = "1.3.6.1.5.5.7.3.8";
    public const string CodeSigningEku = "1.3.6.1.5.5.7.3.3";
}
