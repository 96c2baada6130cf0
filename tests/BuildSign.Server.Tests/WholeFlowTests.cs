using System.Net;
using System.Text.Json.Nodes;
using BuildSign.Testing;

namespace BuildSign.Server.Tests;

/// <summary>
/// The whole flow as a subscriber lives it: subscriber, key generated in the HSM with CSR and
/// attestation (checked by the CLI), certificate from a CA installed, 200 PE files signed through
/// <c>buildsign sign --key https://…</c> and verified by osslsigncode.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class WholeFlowTests(ServiceFixture service)
{
    [Fact]
    public async Task Key_born_in_the_HSM_signs_200_PE_files_through_the_CLI_in_one_request()
    {
        var tenant = await service.CreateTenantAsync("whole-flow", "rsa-3072");
        using var work = new TempDirectory("buildsign-flow");
        File.WriteAllText(work.File("key.csr"), tenant.Csr);
        File.WriteAllText(work.File("attestation.json"), tenant.Attestation);

        var attestation = service.Cli(null, "attestation", "verify", "--csr", work.File("key.csr"), "--attestation", work.File("attestation.json"), "--service-certificate", service.Files.AttestationCertificate);
        Assert.True(attestation.ExitCode == 0, attestation.Output);
        Assert.Contains($"attestation verified: key {tenant.KeyId} (rsa-3072", attestation.StandardOutput);
        Assert.Contains("never extractable", attestation.StandardOutput);

        var original = TestPeFiles.Unsigned(work, TestPeFiles.Pe32);
        var files = Enumerable.Range(0, 200).Select(i => work.File($"app{i:D3}.dll")).ToList();
        foreach (var file in files) File.Copy(original, file);

        var keyUrl = $"{service.Service.Url.AbsoluteUri.TrimEnd('/')}/v1/keys/{tenant.KeyId}";
        var sign = service.Cli(new Dictionary<string, string?> { ["BUILDSIGN_TOKEN"] = tenant.Signer }, ["sign", "--key", keyUrl, "--json", .. files]);
        Assert.True(sign.ExitCode == 0, sign.Output);
        var result = JsonNode.Parse(sign.StandardOutput)!;
        Assert.Equal(200, result["signed"]!.GetValue<int>());
        Assert.Equal("signing-service", result["keyProtection"]!.GetValue<string>());

        foreach (var file in files)
        {
            var verify = ExternalTool.Run("osslsigncode", "verify", "-CAfile", service.Files.DevCaCertificate, "-in", file);
            Assert.True(verify.ExitCode == 0, $"{file}: {verify.Output}");
            Assert.Contains("Signature verification: ok", verify.StandardOutput);
        }

        // One HTTP batch for the 200 files (after the run's one-digest signer-certificate probe): the audit
        // has exactly one sign record naming every file.
        var (status, audit) = await service.CallAsync(HttpMethod.Get, $"/v1/audit?key={tenant.KeyId}", tenant.Auditor);
        Assert.Equal(HttpStatusCode.OK, status);
        var signRecords = audit!["records"]!.AsArray().Where(r => r!["action"]!.GetValue<string>() == "sign").ToList();
        Assert.Equal(2, signRecords.Count);
        Assert.Equal("(signer certificate check)", signRecords[0]!["record"]!["digests"]![0]!["file"]!.GetValue<string>());
        var digests = signRecords[1]!["record"]!["digests"]!.AsArray();
        Assert.Equal(200, digests.Count);
        Assert.Contains(digests, d => d!["file"]!.GetValue<string>().EndsWith("app137.dll", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Signing_service_keys_sign_with_ecdsa_too_and_a_disabled_key_stops_at_once()
    {
        var tenant = await service.CreateTenantAsync("ecdsa-flow", "ecdsa-p384");
        using var work = new TempDirectory("buildsign-flow");
        var file = work.File("notes.txt");
        File.WriteAllText(file, "detached signature over any file\n");
        var keyUrl = $"{service.Service.Url.AbsoluteUri.TrimEnd('/')}/v1/keys/{tenant.KeyId}";
        var environment = new Dictionary<string, string?> { ["BUILDSIGN_TOKEN"] = tenant.Signer };

        var sign = service.Cli(environment, "sign", "--key", keyUrl, file);
        Assert.True(sign.ExitCode == 0, sign.Output);
        var cms = ExternalTool.Run("openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", file + ".p7s", "-content", file, "-CAfile", service.Files.DevCaCertificate, "-purpose", "any", "-out", "/dev/null");
        Assert.True(cms.ExitCode == 0, cms.Output);

        var (status, _) = await service.CallAsync(HttpMethod.Post, $"/v1/keys/{tenant.KeyId}/disable", tenant.KeyAdmin, new { });
        Assert.Equal(HttpStatusCode.OK, status);
        File.WriteAllText(work.File("later.txt"), "after the key was disabled\n");
        var refused = service.Cli(environment, "sign", "--key", keyUrl, work.File("later.txt"));
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("disabled", refused.StandardError);
        Assert.False(File.Exists(work.File("later.txt.p7s")));
    }
}
