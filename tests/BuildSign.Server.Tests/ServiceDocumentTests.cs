using System.Net;
using System.Text.Json.Nodes;

namespace BuildSign.Server.Tests;

/// <summary>The service's OpenAPI document, health and readiness, as an operator and a client see them.</summary>
[Collection(ServiceCollection.Name)]
public sealed class ServiceDocumentTests(ServiceFixture service)
{
    [Fact]
    public async Task Served_OpenAPI_document_is_the_one_checked_into_docs()
    {
        var served = JsonNode.Parse(await service.Http.GetStringAsync("/openapi/v1.json"))!;
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "BuildSign.sln"))) directory = directory.Parent;
        var checkedIn = JsonNode.Parse(File.ReadAllText(Path.Combine(directory!.FullName, "docs", "openapi.json")))!;

        Assert.True(JsonNode.DeepEquals(served, checkedIn), "docs/openapi.json is out of date: save GET /openapi/v1.json of the current service over it");
        Assert.Contains("/v1/keys/{keyId}/sign", served["paths"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task Health_readiness_and_attestation_certificate_need_no_credential()
    {
        Assert.Equal("{\"status\":\"ok\"}", await service.Http.GetStringAsync("/healthz"));
        Assert.Equal("{\"status\":\"ready\"}", await service.Http.GetStringAsync("/readyz"));
        Assert.Equal(File.ReadAllText(service.Files.AttestationCertificate).Trim(), (await service.Http.GetStringAsync("/v1/service/attestation-certificate")).Trim());
        var (status, body) = await service.CallAsync(HttpMethod.Get, "/v1/nothing-here", service.AdminToken);
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("no such resource", body!["error"]!.GetValue<string>());
    }
}
