using BuildSign.Server.Api;
using BuildSign.Server.Signing;
using BuildSign.Server.Storage;

namespace BuildSign.Server.Endpoints;

/// <summary>Unauthenticated endpoints: health, readiness and the service's attestation certificate.</summary>
public static class ServiceEndpoints
{
    /// <summary>Maps /healthz, /readyz, /metrics and /v1/service/attestation-certificate.</summary>
    public static void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/healthz", () => Results.Json(new HealthResponse("ok"))).WithName("Health").Produces<HealthResponse>();
        app.MapGet("/metrics", (ServiceMetrics metrics) => Results.Text(metrics.Render(), "text/plain; version=0.0.4")).WithName("Metrics").Produces<string>(200, "text/plain");
        app.MapGet("/readyz", ReadyAsync).WithName("Ready").Produces<HealthResponse>().Produces<HealthResponse>(503);
        app.MapGet("/v1/service/attestation-certificate", (ServiceKeyring keyring) => Results.Text(keyring.AttestationCertificate.ExportCertificatePem() + "\n", "application/x-pem-file"))
            .WithName("AttestationCertificate").Produces<string>(200, "application/x-pem-file");
    }

    private static async Task<IResult> ReadyAsync(IServiceStore store, ServiceKeyring keyring, CancellationToken cancellationToken)
    {
        try
        {
            var database = await store.PingAsync(cancellationToken);
            var hsm = await Task.Run(() => keyring.Vault.Contains(ServiceKeyring.AttestationKeyId), cancellationToken);
            return database && hsm ? Results.Json(new HealthResponse("ready")) : Results.Json(new HealthResponse(hsm ? "database unavailable" : "HSM unavailable"), statusCode: 503);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or Core.SigningException or TimeoutException)
        {
            return Results.Json(new HealthResponse("not ready: " + ex.GetType().Name), statusCode: 503);
        }
    }
}
