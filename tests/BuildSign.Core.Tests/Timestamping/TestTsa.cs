using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BuildSign.Core.Timestamping;
using BuildSign.Core.Timestamping.Authority;
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

    /// <summary>A self-signed TSA certificate with the given extended key usage, for refusal tests.</summary>
    public static TimestampAuthority AuthorityWithEku(string[] ekuOids, bool critical)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=BuildSign Test Bad TSA", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        if (ekuOids.Length > 0)
        {
            var usages = new OidCollection();
            foreach (var oid in ekuOids) usages.Add(new Oid(oid));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, critical));
        }
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return new TimestampAuthority(X509CertificateLoader.LoadCertificate(certificate.RawData), key);
    }

    public const string TimeStampingEku = "1.3.6.1.5.5.7.3.8";
    public const string CodeSigningEku = "1.3.6.1.5.5.7.3.3";
}
