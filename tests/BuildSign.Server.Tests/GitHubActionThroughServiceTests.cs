using System.Net;
using System.Text.Json;
using BuildSign.Testing;

namespace BuildSign.Server.Tests;

/// <summary>
/// The GitHub Action end to end through a real signing service: <c>buildsign github-action</c> runs
/// as a process with a simulated runner and a signer API token in the <c>token</c> input; the signed
/// file verifies with osslsigncode; the token shows only in its ::add-mask:: line; the audit names
/// the run. (The job's OIDC token cannot be the credential yet: the client uses a credential for two
/// requests, reading the key and signing, and the service refuses a JWT's second use as a replay.
/// The action's own OIDC request is tested in BuildSign.Action.Tests.)
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

        // Not through service.Cli: that output is kept for the fixture's secret scan, and the action
        // prints the token once, on purpose, in the ::add-mask:: line the runner hides it by.
        var result = ExternalTool.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "buildsign.dll"), "github-action"], new Dictionary<string, string?>
        {
            ["DOTNET_NOLOGO"] = "1",
            ["BUILDSIGN_TLS_CA"] = service.Files.TlsCertificate,
            ["BUILDSIGN_TOKEN"] = null,
            ["GITHUB_ACTIONS"] = "true",
            ["GITHUB_WORKSPACE"] = workspace,
            ["GITHUB_OUTPUT"] = outputFile,
            ["GITHUB_STEP_SUMMARY"] = Path.Combine(_runner.Path, "step_summary"),
            ["GITHUB_REPOSITORY"] = "octo-org/hello",
            ["GITHUB_RUN_ID"] = "777",
            ["INPUT_KEY"] = keyUrl,
            ["INPUT_FILES"] = "out/*.dll",
            ["INPUT_TOKEN"] = tenant.Signer,
        }, timeout: TimeSpan.FromMinutes(3));

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
}
