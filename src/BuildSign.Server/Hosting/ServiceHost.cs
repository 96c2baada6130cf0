using System.Security.Cryptography.X509Certificates;
using BuildSign.Core.Keys.Pkcs11;
using BuildSign.Core.Keys.Pkcs11.Vault;
using BuildSign.Server.Audit;
using BuildSign.Server.Endpoints;
using BuildSign.Server.Identity;
using BuildSign.Server.Signing;
using BuildSign.Server.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace BuildSign.Server.Hosting;

/// <summary>
/// <c>buildsign-server run</c>: Kestrel over HTTPS (plain HTTP only when asked for explicitly), the
/// configuration from the data folder's buildsign-server.json and BUILDSIGN_SERVER_* variables, the
/// token opened once, the database schema made sure of.
/// </summary>
public static class ServiceHost
{
    /// <summary>The listen URL when none is given.</summary>
    public const string DefaultUrl = "https://127.0.0.1:8443";

    /// <summary>Builds the application; the caller runs it.</summary>
    public static async Task<WebApplication> BuildAsync(DataDirectory data, IReadOnlyList<string> urls, bool insecureHttp, string? settingsFile = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(urls);
        var settings = settingsFile ?? data.Settings;
        if (!File.Exists(settings))
        {
            throw new ServiceConfigurationException($"{settings} does not exist; create the service first with: buildsign-server init --data {data.Path}");
        }
        foreach (var url in urls)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
            {
                throw new ServiceConfigurationException($"--urls: '{url}' is not an http(s) URL such as {DefaultUrl}");
            }
            if (uri.Scheme == "http" && !insecureHttp)
            {
                throw new ServiceConfigurationException($"--urls: {url} is plain HTTP; the service speaks HTTPS only unless --insecure-http is given");
            }
        }

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = data.Path, Args = [] });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddJsonFile(settings, optional: false).AddEnvironmentVariables("BUILDSIGN_SERVER_");
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "yyyy-MM-ddTHH:mm:ssZ "; o.UseUtcTimestamp = true; });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.Configure<ServiceOptions>(builder.Configuration);
        var options = builder.Configuration.Get<ServiceOptions>() ?? new ServiceOptions();

        var tls = LoadTls(options.Tls, data);
        builder.WebHost.UseUrls([.. urls]);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.Limits.MaxRequestBytes;
            kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = tls);
        });

        var store = ServiceStoreFactory.Create(options.Database.Provider, ResolveConnectionString(options.Database, data));
        await store.InitializeAsync(CancellationToken.None).ConfigureAwait(false);
        if (string.IsNullOrEmpty(options.Hsm.TokenUri))
        {
            throw new ServiceConfigurationException("Hsm:TokenUri is not configured (a PKCS#11 URI with module-path and pin-source)");
        }
        var vault = Pkcs11KeyVault.Open(Pkcs11Uri.Parse(options.Hsm.TokenUri));
        var attestationFile = string.IsNullOrEmpty(options.Hsm.AttestationCertificateFile) ? data.AttestationCertificate : options.Hsm.AttestationCertificateFile;
        var keyring = new ServiceKeyring(vault, X509Certificate2.CreateFromPem(File.ReadAllText(attestationFile)));

        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(keyring);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.AddSingleton<ServiceMetrics>();
        builder.Services.AddSingleton(sp => new FailedAuthenticationLimiter(options.Limits.FailedAuthenticationsPerMinute, sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(sp => new OidcTokenValidator(options.OidcIssuers, store, sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<CallerAuthenticator>();
        builder.Services.AddOpenApi("v1", o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "BuildSign signing service";
            document.Info.Version = "v1";
            document.Info.Description = "Per-subscriber keys in an HSM, digest signing in batches, key generation with CSR and attestation, a hash-chained audit log. Authorization: Bearer <API token or OIDC token>.";
            document.Servers?.Clear();
            return Task.CompletedTask;
        }));

        var app = builder.Build();
        app.Lifetime.ApplicationStopped.Register(keyring.Dispose);
        // Answers the framework gives without a body (unknown route, wrong method or content type) get one clear JSON sentence too.
        app.UseStatusCodePages(async context =>
        {
            var response = context.HttpContext.Response;
            var message = response.StatusCode switch
            {
                404 => "no such resource",
                405 => "this method is not allowed here",
                413 => "the request body is larger than the service allows",
                415 => "send the request body as application/json",
                _ => $"request failed with status {response.StatusCode}",
            };
            await response.WriteAsJsonAsync(new ErrorResponse(message));
        });
        app.MapOpenApi("/openapi/{documentName}.json");
        ServiceEndpoints.Map(app);
        var v1 = app.MapGroup("/v1").RequireCaller();
        SubscriberEndpoints.Map(v1);
        KeyEndpoints.Map(v1);
        SignEndpoints.Map(v1);
        AuditEndpoints.Map(v1);
        OidcSessionEndpoints.Map(v1);
        return app;
    }

    /// <summary>Runs until stopped, telling the operator (and tests) each address it listens on.</summary>
    public static async Task RunAsync(WebApplication app, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(output);
        await app.StartAsync().ConfigureAwait(false);
        foreach (var address in app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
        {
            await output.WriteLineAsync($"listening on {address}").ConfigureAwait(false);
        }
        await output.FlushAsync().ConfigureAwait(false);
        await app.WaitForShutdownAsync().ConfigureAwait(false);
    }

    private static X509Certificate2 LoadTls(TlsOptions tls, DataDirectory data)
    {
        var certificate = string.IsNullOrEmpty(tls.CertificateFile) ? data.TlsCertificate : tls.CertificateFile;
        var key = string.IsNullOrEmpty(tls.KeyFile) ? data.TlsKey : tls.KeyFile;
        try
        {
            using var loaded = X509Certificate2.CreateFromPemFile(certificate, key);
            // Kestrel needs the key in a form the TLS stack can use on every platform.
            return X509CertificateLoader.LoadPkcs12(loaded.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception ex) when (ex is IOException or System.Security.Cryptography.CryptographicException or UnauthorizedAccessException)
        {
            throw new ServiceConfigurationException($"the TLS certificate {certificate} with key {key} could not be loaded: {ex.Message}");
        }
    }

    private static string ResolveConnectionString(DatabaseOptions database, DataDirectory data) =>
        string.IsNullOrEmpty(database.ConnectionString) && database.Provider.Equals("sqlite", StringComparison.OrdinalIgnoreCase)
            ? $"Data Source={data.Database}"
            : database.ConnectionString;
}
