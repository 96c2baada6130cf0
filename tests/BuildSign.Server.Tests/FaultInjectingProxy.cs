using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BuildSign.Server.Tests;

/// <summary>
/// A reverse proxy on 127.0.0.1 (real Kestrel, HTTPS with the service's dev certificate) between the
/// client and the service that injects one fault per sign request from a queue: a dropped connection,
/// 429 or 503 with or without Retry-After, a slow answer, a wrong number of signatures, swapped or
/// corrupted signatures. Other requests pass through.
/// </summary>
public sealed class FaultInjectingProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _faults = new();
    private int _signRequests;

    private FaultInjectingProxy(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    public int SignRequests => Volatile.Read(ref _signRequests);

    public void Enqueue(params string[] faults)
    {
        foreach (var fault in faults) _faults.Enqueue(fault);
    }

    public static async Task<FaultInjectingProxy> StartAsync(ServiceFixture service)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var certificate = X509CertificateLoader.LoadPkcs12(X509Certificate2.CreateFromPemFile(service.Files.TlsCertificate, service.Files.TlsKey).Export(X509ContentType.Pkcs12), null);
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, l => l.UseHttps(certificate)));
        var app = builder.Build();
        var proxy = new FaultInjectingProxy(app);
        var upstream = service.CreateHttpClient(service.Service.Url);
        app.Run(async context => await proxy.ForwardAsync(context, upstream));
        await app.StartAsync();
        proxy.Url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return proxy;
    }

    private async Task ForwardAsync(HttpContext context, HttpClient upstream)
    {
        var isSign = context.Request.Path.Value!.EndsWith("/sign", StringComparison.Ordinal);
        var fault = "pass";
        if (isSign)
        {
            Interlocked.Increment(ref _signRequests);
            if (!_faults.TryDequeue(out fault!)) fault = "pass";
        }
        switch (fault)
        {
            case "drop":
                context.Abort();
                return;
            case "429":
            case "503":
            case "500":
                context.Response.StatusCode = int.Parse(fault, System.Globalization.CultureInfo.InvariantCulture);
                return;
            case "503-retry-after-1":
                context.Response.StatusCode = 503;
                context.Response.Headers.RetryAfter = "1";
                return;
            case "429-retry-after-3600":
                context.Response.StatusCode = 429;
                context.Response.Headers.RetryAfter = "3600";
                return;
        }
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), context.Request.Path + context.Request.QueryString);
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        if (body.Length > 0)
        {
            request.Content = new ByteArrayContent(body.ToArray());
            request.Content.Headers.ContentType = new(context.Request.ContentType ?? "application/json");
        }
        foreach (var name in (string[])["Authorization", "Idempotency-Key"])
        {
            if (context.Request.Headers.TryGetValue(name, out var value)) request.Headers.TryAddWithoutValidation(name, value.ToString());
        }
        using var response = await upstream.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (fault == "slow")
        {
            // The service signed; the client gave up on this attempt long before the answer comes.
            await Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            if (context.RequestAborted.IsCancellationRequested) return;
        }
        if (fault is "count" or "swap" or "garble" && response.IsSuccessStatusCode)
        {
            var json = JsonNode.Parse(text)!;
            var signatures = json["signatures"]!.AsArray();
            switch (fault)
            {
                case "count":
                    signatures.RemoveAt(signatures.Count - 1);
                    break;
                case "swap":
                    var first = signatures[0]!.GetValue<string>();
                    signatures[0] = signatures[1]!.GetValue<string>();
                    signatures[1] = first;
                    break;
                case "garble":
                    var bytes = Convert.FromBase64String(signatures[0]!.GetValue<string>());
                    bytes[^5] ^= 0x01;
                    signatures[0] = Convert.ToBase64String(bytes);
                    break;
            }
            text = json.ToJsonString();
        }
        context.Response.StatusCode = (int)response.StatusCode;
        context.Response.ContentType = response.Content.Headers.ContentType?.ToString() ?? "application/json";
        await context.Response.WriteAsync(text);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
