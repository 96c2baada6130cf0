using BuildSign.DevTools.Timestamping;
using BuildSign.Testing;

namespace BuildSign.MSBuild.Tests;

/// <summary>
/// What every MSBuild test shares in one run: BuildSign.MSBuild packed once into a temporary folder
/// feed, one NuGet packages folder and CLI home (so restores after the first are fast), the
/// SoftHSM2 test token, a real RFC 3161 server on 127.0.0.1, and the test root trusted by the SDK's
/// NuGet (for <c>dotnet nuget verify</c>).
/// </summary>
public sealed class MSBuildFixture : IAsyncLifetime
{
    private readonly TempDirectory _root = new("buildsign-msbuild");
    private TimestampAuthorityServer? _tsa;
    private SdkTrustedRoots? _trust;

    public TestPki Pki => TestPki.Shared;

    public SoftHsmToken Token => SoftHsmToken.Shared;

    public Uri TimestampUrl => _tsa!.Url;

    /// <summary>The folder feed holding BuildSign.MSBuild.</summary>
    public string Feed => _root.File("feed");

    public string PackageVersion { get; private set; } = "";

    /// <summary>The NuGet packages folder every build of the run shares.</summary>
    public string PackagesFolder => _root.File("packages");

    public Task InitializeAsync()
    {
        _tsa = new TimestampAuthorityServer(TimestampAuthority.FromPemFiles(Pki.TsaLeafPem, Pki.TsaKeyPem));
        _tsa.Start();
        _trust = new SdkTrustedRoots(Pki.RootPem);
        var repository = typeof(MSBuildFixture).Assembly.GetCustomAttributes(typeof(RepositoryRootAttribute), false).Cast<RepositoryRootAttribute>().Single().Path;
        var configuration = typeof(MSBuildFixture).Assembly.GetCustomAttributes(typeof(BuildConfigurationAttribute), false).Cast<BuildConfigurationAttribute>().Single().Name;
        // --no-build: the test project references the task project, so it is built already; building it
        // again here would race the other test projects that dotnet test runs at the same time.
        var pack = Dotnet(repository, new Dictionary<string, string?>(), "pack", Path.Combine(repository, "src", "BuildSign.MSBuild", "BuildSign.MSBuild.csproj"),
            "-c", configuration, "--no-build", "-o", Feed, "-nodeReuse:false");
        if (pack.ExitCode != 0)
        {
            throw new InvalidOperationException("dotnet pack of BuildSign.MSBuild failed:\n" + pack.Output);
        }
        var package = Directory.GetFiles(Feed, "BuildSign.MSBuild.*.nupkg").Single();
        PackageVersion = Path.GetFileNameWithoutExtension(package)["BuildSign.MSBuild.".Length..];
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_tsa is not null)
        {
            await _tsa.DisposeAsync();
        }
        _trust?.Dispose();
        _root.Dispose();
    }

    /// <summary>A fresh folder for one test's example projects, with a nuget.config for the feed and the machine's source.</summary>
    public ExampleSolution NewSolution(string name) => new(this, Directory.CreateDirectory(_root.File(name)).FullName);

    /// <summary>The key string of the token's RSA key (the PIN comes from a file; the configuration rides in the key).</summary>
    public string Key => Token.RsaKeyString;

    /// <summary>Runs dotnet with the run's shared packages folder and CLI home, and BuildSign properties from <paramref name="properties"/> as environment variables.</summary>
    public ToolResult Dotnet(string workingDirectory, IDictionary<string, string?> properties, params string[] arguments)
    {
        var environment = new Dictionary<string, string?>
        {
            ["DOTNET_CLI_HOME"] = _root.File("cli-home"),
            ["NUGET_PACKAGES"] = PackagesFolder,
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
            ["MSBUILDDISABLENODEREUSE"] = "1",
            // Whatever the calling shell exported must not leak into the example builds.
            ["BuildSignKey"] = null,
            ["BuildSignTimestampUrl"] = null,
        };
        foreach (var (name, value) in properties)
        {
            environment[name] = value;
        }
        return ExternalTool.Run("dotnet", arguments, environment, workingDirectory, TimeSpan.FromMinutes(6));
    }

    /// <summary>The properties that turn signing on: the token's key and the local timestamp server.</summary>
    public Dictionary<string, string?> SigningProperties(string? key = null) => new()
    {
        ["BuildSignKey"] = key ?? Key,
        ["BuildSignTimestampUrl"] = TimestampUrl.ToString(),
    };
}

[CollectionDefinition(Name)]
public sealed class MSBuildCollection : ICollectionFixture<MSBuildFixture>
{
    public const string Name = "BuildSign.MSBuild";
}
