using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BuildSign.Server.Hosting;
using BuildSign.Testing;

namespace BuildSign.Server.Tests;

/// <summary>
/// One signing service for the tests that share it: initialized with <c>buildsign-server init</c> in a
/// temp folder (real SoftHSM2 token, real SQLite), run as its own process on 127.0.0.1, trusting two
/// local OIDC issuers. Every response body and CLI output the tests see is kept, and every secret
/// they handle is listed, so that one test can check that no secret was ever shown.
/// </summary>
public sealed class ServiceFixture : IAsyncLifetime
{
    private readonly ConcurrentQueue<string> _seen = new();
    private readonly ConcurrentQueue<string> _secrets = new();

    public TempDirectory Data { get; } = new("buildsign-service");

    /// <summary>A ClamAV database (made by sigtool) that knows one file: <see cref="MalwareSample"/>.</summary>
    public TempDirectory Scanner { get; } = new("buildsign-clamav");

    /// <summary>Content the scan hook refuses.</summary>
    public static byte[] MalwareSample => "BUILDSIGN-TEST-MALWARE-SAMPLE"u8.ToArray();

    public LocalOidcIssuer Issuer { get; private set; } = null!;

    public ServiceProcess Service { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public string AdminToken { get; private set; } = "";

    public DataDirectory Files => new(Data.Path);

    /// <summary>Everything shown so far: response bodies, CLI output, the service's own log.</summary>
    public string EverythingShown => string.Join("\n", _seen) + "\n" + Service.Output;

    public IReadOnlyCollection<string> Secrets => [.. _secrets];

    public async Task InitializeAsync()
    {
        Issuer = await LocalOidcIssuer.StartAsync();
        File.WriteAllBytes(Scanner.File("sample.bin"), MalwareSample);
        var database = ExternalTool.Run("sigtool", "--md5", Scanner.File("sample.bin"));
        Assert.True(database.ExitCode == 0, database.Output);
        File.WriteAllText(Scanner.File("buildsign-test.hdb"), database.StandardOutput);
        var init = ExternalTool.Run("dotnet", [ServiceProcess.ServerDll, "init", "--data", Data.Path], new Dictionary<string, string?> { ["DOTNET_NOLOGO"] = "1" });
        Assert.True(init.ExitCode == 0, init.Output);
        _seen.Enqueue(init.Output);
        AdminToken = File.ReadAllText(Files.AdminToken).Trim();
        _secrets.Enqueue(AdminToken);
        _secrets.Enqueue(File.ReadAllText(Files.PinFile).Trim());
        Service = await ServiceProcess.StartAsync(Data.Path, Environment());
        Http = CreateHttpClient(Service.Url);
    }

    /// <summary>The service's environment: trusted issuers (GitHub-like and Azure DevOps-like), a high failed-login limit.</summary>
    public IDictionary<string, string?> Environment() => new Dictionary<string, string?>
    {
        ["BUILDSIGN_SERVER_OidcIssuers__0__Issuer"] = Issuer.GitHub,
        ["BUILDSIGN_SERVER_OidcIssuers__0__Audience"] = "buildsign-test",
        ["BUILDSIGN_SERVER_OidcIssuers__1__Issuer"] = Issuer.AzureDevOps,
        ["BUILDSIGN_SERVER_OidcIssuers__1__Audience"] = "buildsign-test",
        ["BUILDSIGN_SERVER_Limits__FailedAuthenticationsPerMinute"] = "100000",
        ["BUILDSIGN_SERVER_ScanCommand"] = "clamscan",
        ["BUILDSIGN_SERVER_ScanArguments__0"] = "--no-summary",
        ["BUILDSIGN_SERVER_ScanArguments__1"] = "-d",
        ["BUILDSIGN_SERVER_ScanArguments__2"] = Scanner.File("buildsign-test.hdb"),
        ["BUILDSIGN_SERVER_ScanArguments__3"] = "{file}",
    };

    public HttpClient CreateHttpClient(Uri baseAddress)
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(Files.TlsCertificate);
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return certificate is not null && chain.Build(new X509Certificate2(certificate));
        };
        return new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(2) };
    }

    public void Secret(string secret) => _secrets.Enqueue(secret);

    /// <summary>Stops the service (SIGTERM, or SIGKILL when <paramref name="hard"/>) and starts it again on the same URL and data.</summary>
    public async Task RestartAsync(bool hard)
    {
        var url = Service.Url;
        if (hard) Service.KillHard(); else Service.Stop();
        _seen.Enqueue(Service.Output);
        Service.Dispose();
        Service = await ServiceProcess.StartAsync(Data.Path, Environment(), url.AbsoluteUri.TrimEnd('/'));
    }

    public void Shown(string text) => _seen.Enqueue(text);

    /// <summary>Calls the API; returns the status and the parsed body (null when empty).</summary>
    public async Task<(HttpStatusCode Status, JsonNode? Body)> CallAsync(HttpMethod method, string path, string? token, object? body = null, IDictionary<string, string>? headers = null, HttpClient? client = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = body is string text
                ? new StringContent(text, Encoding.UTF8, "application/json")
                : new StringContent(JsonSerializer.Serialize(body, JsonSerializerOptions.Web), Encoding.UTF8, "application/json");
        }
        foreach (var (name, value) in headers ?? new Dictionary<string, string>()) request.Headers.Add(name, value);
        using var response = await (client ?? Http).SendAsync(request);
        var content = await response.Content.ReadAsStringAsync();
        // A created token is shown exactly once, in this answer, by design; every other answer is checked for secrets.
        if (!(method == HttpMethod.Post && path.EndsWith("/tokens", StringComparison.Ordinal) && response.StatusCode == HttpStatusCode.Created))
        {
            _seen.Enqueue(content);
        }
        return (response.StatusCode, content.Length == 0 ? null : ParseOrText(content));
    }

    public async Task<string> CreateSubscriberAsync(string name)
    {
        var (status, body) = await CallAsync(HttpMethod.Post, "/v1/subscribers", AdminToken, new { name });
        Assert.Equal(HttpStatusCode.Created, status);
        return body!["id"]!.GetValue<string>();
    }

    public async Task<(string Id, string Token)> CreateTokenAsync(string subscriber, string role, string? creator = null, string[]? keys = null, long expiresInSeconds = 3600)
    {
        var (status, body) = await CallAsync(HttpMethod.Post, $"/v1/subscribers/{subscriber}/tokens", creator ?? AdminToken, new { role, keys, expiresInSeconds });
        Assert.True(status == HttpStatusCode.Created, body?.ToJsonString());
        var token = body!["token"]!.GetValue<string>();
        _secrets.Enqueue(token);
        return (body["id"]!.GetValue<string>(), token);
    }

    public async Task<(string KeyId, string Csr, string Attestation)> CreateKeyAsync(string keyAdminToken, string algorithm = "ecdsa-p256", string name = "release")
    {
        var (status, body) = await CallAsync(HttpMethod.Post, "/v1/keys", keyAdminToken, new { name, algorithm });
        Assert.True(status == HttpStatusCode.Created, body?.ToJsonString());
        return (body!["keyId"]!.GetValue<string>(), body["csr"]!.GetValue<string>(), body["attestation"]!.GetValue<string>());
    }

    /// <summary>Issues a certificate from the service's dev CA for the CSR and installs it.</summary>
    public async Task InstallCertificateAsync(string keyAdminToken, string keyId, string csr)
    {
        using var ca = X509Certificate2.CreateFromPemFile(Files.DevCaCertificate, Files.DevCaKey);
        using var leaf = DevCertificates.IssueCodeSigning(ca, csr);
        var (status, body) = await CallAsync(HttpMethod.Put, $"/v1/keys/{keyId}/certificate", keyAdminToken, new { certificateChain = leaf.ExportCertificatePem() });
        Assert.True(status == HttpStatusCode.OK, body?.ToJsonString());
    }

    /// <summary>A subscriber with a key (certificate installed) and a token of each role.</summary>
    public async Task<Tenant> CreateTenantAsync(string name, string algorithm = "ecdsa-p256")
    {
        var subscriber = await CreateSubscriberAsync(name);
        var keyAdmin = await CreateTokenAsync(subscriber, "key-admin");
        var (keyId, csr, attestation) = await CreateKeyAsync(keyAdmin.Token, algorithm);
        await InstallCertificateAsync(keyAdmin.Token, keyId, csr);
        var signer = await CreateTokenAsync(subscriber, "signer", keyAdmin.Token);
        var auditor = await CreateTokenAsync(subscriber, "auditor", keyAdmin.Token);
        return new Tenant(subscriber, keyId, keyAdmin.Token, signer.Token, auditor.Token, csr, attestation);
    }

    /// <summary>Runs the buildsign CLI as its own process.</summary>
    public ToolResult Cli(IDictionary<string, string?>? environment, params string[] arguments)
    {
        var all = new Dictionary<string, string?> { ["DOTNET_NOLOGO"] = "1", ["BUILDSIGN_TLS_CA"] = Files.TlsCertificate };
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>()) all[name] = value;
        var result = ExternalTool.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "buildsign.dll"), .. arguments], all, timeout: TimeSpan.FromMinutes(3));
        _seen.Enqueue(result.Output);
        return result;
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        Service?.Dispose();
        if (Issuer is not null) await Issuer.DisposeAsync();
        Data.Dispose();
        Scanner.Dispose();
    }

    private static JsonNode? ParseOrText(string content)
    {
        try
        {
            return JsonNode.Parse(content);
        }
        catch (JsonException)
        {
            return JsonValue.Create(content);
        }
    }
}

/// <summary>A subscriber with one key and a token for each role.</summary>
public sealed record Tenant(string Subscriber, string KeyId, string KeyAdmin, string Signer, string Auditor, string Csr, string Attestation);

[CollectionDefinition(Name)]
public sealed class ServiceCollection : ICollectionFixture<ServiceFixture>
{
    public const string Name = "signing service";
}
