using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace BuildSign.Server.Tests;

/// <summary>
/// Whole-file signing: the service hashes the file itself and runs the configured scan hook (real
/// ClamAV with a database made by sigtool) first; a match is refused and audited, a clean file signed.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class SignFileTests(ServiceFixture service)
{
    [Fact]
    public async Task Clean_file_is_signed_and_a_matching_one_refused_and_audited()
    {
        var tenant = await service.CreateTenantAsync("sign-file");
        var clean = "an ordinary build output"u8.ToArray();

        var (status, body) = await SendAsync(tenant, clean, "tool.exe");
        Assert.True(status == HttpStatusCode.OK, body?.ToJsonString());
        Assert.Equal(Convert.ToBase64String(SHA256.HashData(clean)), body!["digest"]!.GetValue<string>());
        var (_, key) = await service.CallAsync(HttpMethod.Get, $"/v1/keys/{tenant.KeyId}", tenant.Auditor);
        using var certificate = X509Certificate2.CreateFromPem(key!["certificateChain"]!.GetValue<string>());
        using var publicKey = certificate.GetECDsaPublicKey()!;
        Assert.True(publicKey.VerifyHash(SHA256.HashData(clean), Convert.FromBase64String(body["signature"]!.GetValue<string>()), DSASignatureFormat.Rfc3279DerSequence));

        (status, body) = await SendAsync(tenant, ServiceFixture.MalwareSample, "dropper.exe");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("the file dropper.exe was refused by the scan: scan exit code 1: file: sample.bin.UNOFFICIAL FOUND", body!["error"]!.GetValue<string>());

        var (_, audit) = await service.CallAsync(HttpMethod.Get, $"/v1/audit?key={tenant.KeyId}", tenant.Auditor);
        var records = audit!["records"]!.AsArray().Where(r => r!["action"]!.GetValue<string>() == "sign-file").Select(r => r!["record"]!).ToList();
        Assert.Equal(["ok", "refused"], records.Select(r => r["result"]!.GetValue<string>()));
        Assert.Equal("dropper.exe", records[1]["digests"]![0]!["file"]!.GetValue<string>());
    }

    private async Task<(HttpStatusCode, JsonNode?)> SendAsync(Tenant tenant, byte[] content, string name)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/keys/{tenant.KeyId}/sign-file?file={name}") { Content = new ByteArrayContent(content) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tenant.Signer);
        using var response = await service.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        service.Shown(text);
        return (response.StatusCode, JsonNode.Parse(text));
    }
}
