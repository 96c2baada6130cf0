using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using System.Text.Json;
using BuildSign.Testing;

namespace BuildSign.Server.Tests;

/// <summary>
/// The GitHub Action end to end through a real signing service: <c>buildsign github-action</c> runs
/// as a process with a simulated runner and a signer API token in the <c>token</c> input; the signed
/// file verifies with osslsigncode; the token shows only in its ::add-mask:: line; the audit names
/// the run. And with no stored secret at all: the job's OIDC token, fetched from a local runner
/// token endpoint, is spent once on a service session that the whole run signs with.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class GitHubActionThroughServiceTests(ServiceFixture service) : IAsyncLifetime
{
    private readonly TempDirectory _runner = new("buildsign-action-e2e");
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        _runner.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_action_signs_through_the_service_with_the_token_input()
    {
        var tenant = await service.CreateTenantAsync("github-action");
        var workspace = Directory.CreateDirectory(Path.Combine(_runner.Path, "workspace")).FullName;
        Directory.CreateDirectory(Path.Combine(workspace, "out"));
        var app = Path.Combine(workspace, "out", "app.dll");
        File.Copy(TestPeFiles.Unsigned(_runner, TestPeFiles.Pe32), app);
        var outputFile = Path.Combine(_runner.Path, "set_output");
        File.WriteAllText(outputFile, "");
        var keyUrl = $"{service.Service.Url.AbsoluteUri.TrimEnd('/')}/v1/keys/{tenant.KeyId}";

        var result = RunAction(workspace, outputFile, Path.Combine(_runner.Path, "step_summary"), "777", new Dictionary<string, string?>
        {
            ["INPUT_KEY"] = keyUrl,
            ["INPUT_FILES"] = "out/*.dll",
            ["INPUT_TOKEN"] = tenant.Signer,
        });

        Assert.True(result.ExitCode == 0, result.Output);
        var lines = result.StandardOutput.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.Single(lines, l => l.Contains(tenant.Signer, StringComparison.Ordinal));
        Assert.Contains("::add-mask::" + tenant.Signer, lines);
        Assert.DoesNotContain(tenant.Signer, result.StandardError, StringComparison.Ordinal);
        var verify = ExternalTool.Run("osslsigncode", "verify", "-CAfile", service.Files.DevCaCertificate, "-in", app);
        Assert.True(verify.ExitCode == 0, verify.Output);
        Assert.Contains("Signature verification: ok", verify.StandardOutput);
        Assert.Contains("\n[\"out/app.dll\"]\n", File.ReadAllText(outputFile), StringComparison.Ordinal);
        Assert.Contains("| signing-service | signed |", File.ReadAllText(Path.Combine(_runner.Path, "step_summary")), StringComparison.Ordinal);

        var (auditStatus, audit) = await service.CallAsync(HttpMethod.Get, $"/v1/audit?key={tenant.KeyId}", tenant.Auditor);
        Assert.Equal(HttpStatusCode.OK, auditStatus);
        var record = audit!["records"]!.AsArray().Last(r => r!["action"]!.GetValue<string>() == "sign")!["record"]!;
        Assert.Contains("octo-org/hello", JsonSerializer.Serialize(record), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_action_signs_through_the_service_with_the_jobs_OIDC_token_and_no_stored_secret()
    {
        var tenant = await service.CreateTenantAsync("github-oidc-" + Guid.NewGuid().ToString("N")[..6]);
        var (status, body) = await service.CallAsync(HttpMethod.Put, $"/v1/keys/{tenant.KeyId}/oidc-policy", tenant.KeyAdmin,
            new { issuer = service.Issuer.GitHub, claims = new Dictionary<string, string> { ["repository"] = "octo-org/hello" } });
        Assert.True(status == HttpStatusCode.OK, body?.ToJsonString());
        var jwt = service.Issuer.Mint(service.Issuer.GitHub, new Dictionary<string, object>
        {
            ["sub"] = "repo:octo-org/hello:ref:refs/heads/main",
            ["repository"] = "octo-org/hello",
            ["ref"] = "refs/heads/main",
            ["run_id"] = "778",
        });
        const string RequestToken = "runner-request-token-7f3a";
        var audiences = new List<string?>();
        // The runner's token endpoint, as GitHub serves it to a job with id-token: write.
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var runnerTokens = builder.Build();
        runnerTokens.MapGet("/token", (HttpRequest request) =>
        {
            audiences.Add(request.Query["audience"]);
            return request.Headers.Authorization == $"Bearer {RequestToken}" ? Results.Json(new { value = jwt }) : Results.Unauthorized();
        });
        await runnerTokens.StartAsync();
        var tokenUrl = runnerTokens.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single() + "/token?api-version=2.0";

        var workspace = Directory.CreateDirectory(Path.Combine(_runner.Path, "oidc-workspace")).FullName;
        var app = Path.Combine(workspace, "app.dll");
        File.Copy(TestPeFiles.Unsigned(_runner, TestPeFiles.Pe32Plus), app);
        var outputFile = Path.Combine(_runner.Path, "oidc_output");
        File.WriteAllText(outputFile, "");
        var result = RunAction(workspace, outputFile, Path.Combine(_runner.Path, "oidc_summary"), "778", new Dictionary<string, string?>
        {
            ["ACTIONS_ID_TOKEN_REQUEST_URL"] = tokenUrl,
            ["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = RequestToken,
            ["INPUT_KEY"] = $"{service.Service.Url.AbsoluteUri.TrimEnd('/')}/v1/keys/{tenant.KeyId}",
            ["INPUT_FILES"] = "*.dll",
            ["INPUT_OIDC-AUDIENCE"] = "buildsign-test",
        });

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal(["buildsign-test"], audiences);
        var lines = result.StandardOutput.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.Single(lines, l => l.Contains(jwt, StringComparison.Ordinal));
        Assert.Contains("::add-mask::" + jwt, lines);
        Assert.DoesNotContain(jwt, result.StandardError, StringComparison.Ordinal);
        var verify = ExternalTool.Run("osslsigncode", "verify", "-CAfile", service.Files.DevCaCertificate, "-in", app);
        Assert.True(verify.ExitCode == 0, verify.Output);
        Assert.Contains("Signature verification: ok", verify.StandardOutput);

        var (auditStatus, audit) = await service.CallAsync(HttpMethod.Get, $"/v1/audit?key={tenant.KeyId}", tenant.Auditor);
        Assert.Equal(HttpStatusCode.OK, auditStatus);
        var record = audit!["records"]!.AsArray().Last(r => r!["action"]!.GetValue<string>() == "sign")!["record"]!;
        Assert.Contains("repo:octo-org/hello", JsonSerializer.Serialize(record), StringComparison.Ordinal);
    }

    // Not through service.Cli: that output is kept for the fixture's secret scan, and the action
    // prints each secret once, on purpose, in the ::add-mask:: line the runner hides it by.
    private ToolResult RunAction(string workspace, string outputFile, string summaryFile, string runId, Dictionary<string, string?> job)
    {
        var environment = new Dictionary<string, string?>
        {
            ["DOTNET_NOLOGO"] = "1",
            ["BUILDSIGN_TLS_CA"] = service.Files.TlsCertificate,
            ["BUILDSIGN_TOKEN"] = null,
            ["GITHUB_ACTIONS"] = "true",
            ["GITHUB_WORKSPACE"] = workspace,
            ["GITHUB_OUTPUT"] = outputFile,
            ["GITHUB_STEP_SUMMARY"] = summaryFile,
            ["GITHUB_REPOSITORY"] = "octo-org/hello",
            ["GITHUB_RUN_ID"] = runId,
        };
        foreach (var (name, value) in job)
        {
            environment[name] = value;
        }
        return ExternalTool.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "buildsign.dll"), "github-action"], environment, timeout: TimeSpan.FromMinutes(3));
    }
}
