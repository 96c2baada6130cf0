using System.Net;
using System.Net.Http.Headers;
using BuildSign.Server.Hosting;
using BuildSign.Testing;

namespace BuildSign.Server.Tests;

/// <summary>Failed authentications are rate-limited per client address: past the limit even a good token gets 429 for the minute.</summary>
public sealed class FailedAuthenticationLimitTests
{
    [Fact]
    public async Task After_the_limit_of_failures_the_address_gets_429()
    {
        using var data = new TempDirectory("buildsign-service-limit");
        var init = ExternalTool.Run("dotnet", ServiceProcess.ServerDll, "init", "--data", data.Path);
        Assert.True(init.ExitCode == 0, init.Output);
        using var service = await ServiceProcess.StartAsync(data.Path, new Dictionary<string, string?> { ["BUILDSIGN_SERVER_Limits__FailedAuthenticationsPerMinute"] = "3" });
        var files = new DataDirectory(data.Path);
        using var client = new ServiceFixtureClient(files, service.Url);
        var admin = File.ReadAllText(files.AdminToken).Trim();

        var statuses = new List<HttpStatusCode>();
        foreach (var token in (string[])["bst_wrong-1", "bst_wrong-2", "bst_wrong-3", "bst_wrong-4", admin])
        {
            statuses.Add(await client.StatusAsync("/v1/keys", token));
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
    }
}
