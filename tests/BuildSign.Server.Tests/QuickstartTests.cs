using System.Text.Json.Nodes;
using BuildSign.Testing;

namespace BuildSign.Server.Tests;

/// <summary>
/// examples/service/quickstart.sh as a new user runs it: the whole flow with the CLI, DIR/quickstart.json
/// per its contract, and the service brought back with the same state by <c>run --data DIR --urls URL</c>.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class QuickstartTests
{
    [Fact]
    public async Task Quickstart_runs_end_to_end_and_the_service_comes_back_with_its_state()
    {
        using var work = new TempDirectory("buildsign-quickstart");
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(directory!.FullName, "BuildSign.sln"))) directory = directory.Parent;
        var cli = $"dotnet {Path.Combine(AppContext.BaseDirectory, "buildsign.dll")}";
        var environment = new Dictionary<string, string?> { ["BUILDSIGN_SERVER"] = $"dotnet {ServiceProcess.ServerDll}", ["BUILDSIGN_CLI"] = cli, ["DOTNET_NOLOGO"] = "1" };
        var data = Path.Combine(work.Path, "service");

        var quickstart = ExternalTool.Run("bash", [Path.Combine(directory.FullName, "examples", "service", "quickstart.sh"), data], environment, timeout: TimeSpan.FromMinutes(5));

        Assert.True(quickstart.ExitCode == 0, quickstart.Output);
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(data, "quickstart.json")))!;
        var url = new Uri(summary["url"]!.GetValue<string>());
        Assert.Equal(Path.Combine(data, "tls.pem"), summary["tlsCertificate"]!.GetValue<string>());
        Assert.Equal(Path.Combine(data, "dev-ca.pem"), summary["rootCertificate"]!.GetValue<string>());
        var subscribers = summary["subscribers"]!.AsArray();
        Assert.Equal(["contoso", "fabrikam"], subscribers.Select(s => s!["name"]!.GetValue<string>()));
        foreach (var subscriber in subscribers)
        {
            foreach (var file in (string[])["signerTokenFile", "keyAdminTokenFile", "auditorTokenFile"])
            {
                var path = subscriber![file]!.GetValue<string>();
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
                Assert.DoesNotContain(File.ReadAllText(path).Trim(), quickstart.Output);
            }
        }
        Assert.DoesNotContain(File.ReadAllText(Path.Combine(data, "admin.token")).Trim(), quickstart.Output);

        using var service = await ServiceProcess.StartAsync(data, urls: url.AbsoluteUri.TrimEnd('/'));
        var first = subscribers[0]!;
        var file2 = Path.Combine(work.Path, "later.txt");
        File.WriteAllText(file2, "signed after the restart\n");
        var sign = ExternalTool.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "buildsign.dll"), "sign", "--key", first["keyUrl"]!.GetValue<string>(), file2],
            new Dictionary<string, string?> { ["BUILDSIGN_TOKEN"] = File.ReadAllText(first["signerTokenFile"]!.GetValue<string>()).Trim(), ["BUILDSIGN_TLS_CA"] = summary["tlsCertificate"]!.GetValue<string>() });
        Assert.True(sign.ExitCode == 0, sign.Output);
        var verify = ExternalTool.Run("openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", file2 + ".p7s", "-content", file2, "-CAfile", summary["rootCertificate"]!.GetValue<string>(), "-purpose", "any", "-out", "/dev/null");
        Assert.True(verify.ExitCode == 0, verify.Output);
    }
}
