using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using BuildSign.Server.Hosting;

namespace BuildSign.Server.Tests;

/// <summary>A small API client trusting a service's dev TLS certificate, for tests that run their own instances.</summary>
public sealed class ServiceFixtureClient : IDisposable
{
    private readonly HttpClient _http;

    public ServiceFixtureClient(DataDirectory files, Uri url)
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(files.TlsCertificate);
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return certificate is not null && chain.Build(new X509Certificate2(certificate));
        };
        _http = new HttpClient(handler) { BaseAddress = url };
    }

    public Task<JsonNode> PostAsync(string path, string token, object body) => SendAsync(HttpMethod.Post, path, token, body);

    public Task<JsonNode> PutAsync(string path, string token, object body) => SendAsync(HttpMethod.Put, path, token, body);

    public async Task<byte[]> GetBytesAsync(Uri instance, string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(instance, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await _http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode}");
        return await response.Content.ReadAsByteArrayAsync();
    }

    public async Task<System.Net.HttpStatusCode> StatusAsync(string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await _http.SendAsync(request);
        return response.StatusCode;
    }

    public void Dispose() => _http.Dispose();

    private async Task<JsonNode> SendAsync(HttpMethod method, string path, string token, object body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body, options: JsonSerializerOptions.Web) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }
}
