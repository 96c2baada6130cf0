using System.Net;
using System.Text;
using BuildSign.Testing;

namespace BuildSign.Server.Tests;

/// <summary>
/// The audit export verifies with <c>buildsign audit verify</c>, and any edit, deletion, insertion,
/// reordering or truncation of it is detected.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class AuditExportTests(ServiceFixture service)
{
    [Fact]
    public async Task Export_verifies_and_every_kind_of_tampering_is_detected()
    {
        var tenant = await service.CreateTenantAsync("audit-export");
        var body = new { items = new[] { new { digestAlgorithm = "sha256", digest = Convert.ToBase64String(new byte[32]), file = "a.dll" } } };
        Assert.Equal(HttpStatusCode.OK, (await service.CallAsync(HttpMethod.Post, $"/v1/keys/{tenant.KeyId}/sign", tenant.Signer, body)).Status);
        using var work = new TempDirectory("buildsign-audit");
        using var response = await Send(tenant.Auditor);
        var export = await response.Content.ReadAsByteArrayAsync();
        File.WriteAllBytes(work.File("audit.jsonl"), export);

        var good = Verify("audit.jsonl");
        Assert.True(good.ExitCode == 0, good.Output);
        Assert.Contains("records in one unbroken chain", good.StandardOutput);

        var lines = Encoding.UTF8.GetString(export).TrimEnd('\n').Split('\n').ToList();
        var own = lines.FindIndex(l => l.Contains("\"body\"", StringComparison.Ordinal) && l.Contains("a.dll", StringComparison.Ordinal));
        Assert.True(own > 1);
        var cases = new Dictionary<string, (List<string> Lines, string Expected)>
        {
            ["edited"] = (Change(lines, own, l => l.Replace("a.dll", "b.dll", StringComparison.Ordinal)), "the export's signature does not verify"),
            ["deleted"] = (Without(lines, own - 1), "the export's signature does not verify"),
            ["reordered"] = (Swap(lines, own - 1, own), "the export's signature does not verify"),
            ["inserted"] = (Insert(lines, own, lines[own]), "the export's signature does not verify"),
            ["truncated"] = (lines.Take(lines.Count - 2).ToList(), "the export's last line is not its signature"),
        };
        foreach (var (name, (changed, expected)) in cases)
        {
            File.WriteAllText(work.File($"{name}.jsonl"), string.Join('\n', changed) + "\n");
            var result = Verify($"{name}.jsonl");
            Assert.True(result.ExitCode == 1, $"{name}: {result.Output}");
            Assert.Contains(expected, result.StandardError);
        }

        // Even re-signed (as if by someone holding the signing key), a changed chain is caught by its hashes.
        using var forger = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        using var forgerCertificate = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=forger", forger, System.Security.Cryptography.HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(1));
        var chainCases = new Dictionary<string, (List<string> Lines, string Expected)>
        {
            ["edited"] = (cases["edited"].Lines, $"record {own + 1} was changed"),
            ["deleted"] = (cases["deleted"].Lines, "a record was deleted, inserted or moved"),
            ["reordered"] = (cases["reordered"].Lines, "a record was deleted, inserted or moved"),
            ["inserted"] = (cases["inserted"].Lines, "a record was deleted, inserted or moved"),
        };
        foreach (var (name, (changed, expected)) in chainCases)
        {
            var records = Encoding.UTF8.GetBytes(string.Join('\n', changed.Take(changed.Count - 1)) + "\n");
            var signature = forger.SignData(records, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.DSASignatureFormat.Rfc3279DerSequence);
            var resigned = records.Concat(Encoding.UTF8.GetBytes($"{{\"signature\":\"{Convert.ToBase64String(signature)}\",\"signatureAlgorithm\":\"ecdsa-sha256\"}}\n")).ToArray();
            var error = Assert.Throws<Core.SigningException>(() => Core.Keys.Remote.Audit.AuditExportVerifier.Verify(resigned, forgerCertificate));
            Assert.True(error.Message.Contains(expected, StringComparison.Ordinal), $"{name}: {error.Message}");
        }

        // Other roles may not export; the service admin's export holds every record with its body.
        using var signer = await Send(tenant.Signer);
        Assert.Equal(HttpStatusCode.Forbidden, signer.StatusCode);
        using var admin = await Send(service.AdminToken);
        File.WriteAllBytes(work.File("all.jsonl"), await admin.Content.ReadAsByteArrayAsync());
        var all = Verify("all.jsonl");
        Assert.True(all.ExitCode == 0, all.Output);
        Assert.Contains(", 0 of other subscribers by hash", all.StandardOutput);

        ToolResult Verify(string file) => service.Cli(null, "audit", "verify", work.File(file), "--service-certificate", service.Files.AttestationCertificate);
    }

    private async Task<HttpResponseMessage> Send(string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/v1/audit/export");
        request.Headers.Authorization = new("Bearer", token);
        return await service.Http.SendAsync(request);
    }

    private static List<string> Change(List<string> lines, int index, Func<string, string> change) => [.. lines.Select((l, i) => i == index ? change(l) : l)];

    private static List<string> Without(List<string> lines, int index) => [.. lines.Where((_, i) => i != index)];

    private static List<string> Swap(List<string> lines, int a, int b)
    {
        var copy = lines.ToList();
        (copy[a], copy[b]) = (copy[b], copy[a]);
        return copy;
    }

    private static List<string> Insert(List<string> lines, int index, string line)
    {
        var copy = lines.ToList();
        copy.Insert(index, line);
        return copy;
    }
}
