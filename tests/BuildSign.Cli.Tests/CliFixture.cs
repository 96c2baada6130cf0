using BuildSign.DevTools.Timestamping;
using BuildSign.Testing;

namespace BuildSign.Cli.Tests;

/// <summary>
/// What the CLI tests share: the test PKI, a SoftHSM2 token holding its keys, and a real RFC 3161
/// server on 127.0.0.1. The CLI runs as its own process, as users run it.
/// </summary>
public sealed class CliFixture : IAsyncLifetime
{
    private TimestampAuthorityServer? _tsa;

    public TestPki Pki => TestPki.Shared;

    public SoftHsmToken Token => SoftHsmToken.Shared;

    public Uri TimestampUrl => _tsa!.Url;

    public long TimestampRequests => _tsa!.RequestCount;

    public Task InitializeAsync()
    {
        var authority = TimestampAuthority.FromPemFiles(Pki.TsaLeafPem, Pki.TsaKeyPem);
        _tsa = new TimestampAuthorityServer(authority);
        _tsa.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_tsa is not null)
        {
            await _tsa.DisposeAsync();
        }
    }

    /// <summary>Runs <c>buildsign</c> with the token's SoftHSM2 configuration.</summary>
    public ToolResult Run(params string[] arguments) => RunWith(null, arguments);

    public ToolResult RunWith(IDictionary<string, string?>? extraEnvironment, params string[] arguments) => RunIn(null, extraEnvironment, arguments);

    /// <summary>Runs <c>buildsign</c> in <paramref name="workingDirectory"/> (the test's own when null).</summary>
    public ToolResult RunIn(string? workingDirectory, IDictionary<string, string?>? extraEnvironment, params string[] arguments)
    {
        var environment = new Dictionary<string, string?>(Token.Environment) { ["DOTNET_NOLOGO"] = "1" };
        foreach (var (name, value) in extraEnvironment ?? new Dictionary<string, string?>())
        {
            environment[name] = value;
        }
        var cli = Path.Combine(AppContext.BaseDirectory, "buildsign.dll");
        return ExternalTool.Run("dotnet", [cli, .. arguments], environment, workingDirectory, timeout: TimeSpan.FromMinutes(3));
    }
}

[CollectionDefinition(Name)]
public sealed class CliCollection : ICollectionFixture<CliFixture>
{
    public const string Name = "buildsign CLI";
}
