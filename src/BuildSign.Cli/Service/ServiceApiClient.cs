using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BuildSign.Core;
using BuildSign.Core.Keys.Remote;

namespace BuildSign.Cli.Service;

/// <summary>
/// The administration calls of <c>buildsign service …</c> against a signing service: the credential
/// from BUILDSIGN_TOKEN, TLS verified against the system store or a PEM CA bundle (--tls-ca or
/// BUILDSIGN_TLS_CA). Errors carry the service's own one-line message, never the credential.
/// </summary>
internal sealed class ServiceApiClient : IDisposable
{
    private readonly HttpClient _http;

    public ServiceApiClient(string url, string? tlsCa)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new SigningException($"--url '{url}' is not an https:// URL of a signing service");
        }
        var handler = new SocketsHttpHandler();
        var caFile = tlsCa ?? Environment.GetEnvironmentVariable(RemoteServiceOptions.TlsCaVariable);
        if (!string.IsNullOrEmpty(caFile))
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(caFile);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0) return false;
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(roots);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                using var leaf = new X509Certificate2(certificate);
                return chain.Build(leaf);
            };
        }
        _http = new HttpClient(handler) { BaseAddress = new Uri(uri.AbsoluteUri.TrimEnd('/') + "/"), Timeout = TimeSpan.FromMinutes(2) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", new RemoteServiceOptions().ReadToken());
    }

    public Task<JsonNode> PostAsync(string path, object body, CancellationToken cancellationToken) => SendAsync(HttpMethod.Post, path, body, cancellationToken);

    public Task<JsonNode> PutAsync(string path, object body, CancellationToken cancellationToken) => SendAsync(HttpMethod.Put, path, body, cancellationToken);

    public Task<JsonNode> GetAsync(string path, CancellationToken cancellationToken) => SendAsync(HttpMethod.Get, path, null, cancellationToken);

    public Task<JsonNode> DeleteAsync(string path, CancellationToken cancellationToken) => SendAsync(HttpMethod.Delete, path, null, cancellationToken);

    public async Task<byte[]> GetBytesAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _http.Dispose();

    private async Task<JsonNode> SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(method, path, body, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text) ?? new JsonObject();
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body, JsonSerializerOptions.Web), Encoding.UTF8, "application/json");
        }
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new SigningException($"the signing service at {_http.BaseAddress} could not be reached: {(ex.InnerException?.Message ?? ex.Message).ReplaceLineEndings(" ")}");
        }
        if (response.IsSuccessStatusCode)
        {
            return response;
        }
        string? said = null;
        try
        {
            said = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false))?["error"]?.GetValue<string>();
        }
        catch (JsonException)
        {
        }
        var status = (int)response.StatusCode;
        response.Dispose();
        throw new SigningException($"the signing service answered {status}{(said is null ? "" : ": " + said)}");
    }
}
