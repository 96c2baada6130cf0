using BuildSign.Core;
using BuildSign.Core.Keys.Pkcs11;

namespace BuildSign.Server.Hosting;

/// <summary>
/// The buildsign-server command: <c>init --data DIR</c>, <c>run --data DIR [--urls URL[;URL]] [--insecure-http] [--config FILE]</c>,
/// <c>dev-ca issue --data DIR --csr FILE --out FILE</c>.
/// </summary>
public static class ServerCommandLine
{
    private const string Usage = """
        usage:
          buildsign-server init --data DIR [--module PATH] [--database-provider sqlite|postgresql --database-connection STRING]
          buildsign-server run --data DIR [--urls https://127.0.0.1:8443] [--insecure-http] [--config FILE]
          buildsign-server dev-ca issue --data DIR --csr FILE --out FILE
        """;

    /// <summary>Runs the command and returns the exit code: 0 done, 2 usage error, 1 failure.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        try
        {
            return args switch
            {
                ["init", .. var rest] => await InitAsync(Options(rest)).ConfigureAwait(false),
                ["run", .. var rest] => await RunServiceAsync(Options(rest)).ConfigureAwait(false),
                ["dev-ca", "issue", .. var rest] => IssueDevCertificate(Options(rest)),
                ["--help" or "-h" or "help", ..] => Help(0),
                _ => Help(2),
            };
        }
        catch (UsageException ex)
        {
            await Console.Error.WriteLineAsync($"buildsign-server: {ex.Message}").ConfigureAwait(false);
            await Console.Error.WriteLineAsync(Usage).ConfigureAwait(false);
            return 2;
        }
        catch (Exception ex) when (ex is ServiceConfigurationException or SigningException or IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or System.Data.Common.DbException)
        {
            await Console.Error.WriteLineAsync($"buildsign-server: {ex.Message.ReplaceLineEndings(" ")}").ConfigureAwait(false);
            return 1;
        }
    }

    private static async Task<int> InitAsync(Dictionary<string, string?> options)
    {
        var data = new DataDirectory(Required(options, "--data"));
        Allow(options, "--data", "--module", "--database-provider", "--database-connection");
        var provider = options.GetValueOrDefault("--database-provider") ?? "sqlite";
        var connection = options.GetValueOrDefault("--database-connection");
        if (provider != "sqlite" && string.IsNullOrEmpty(connection))
        {
            throw new UsageException($"--database-provider {provider} needs --database-connection");
        }
        await ServiceInitializer.InitializeAsync(data, options.GetValueOrDefault("--module") ?? Pkcs11Uri.DefaultModulePath, Console.Out, provider, connection).ConfigureAwait(false);
        return 0;
    }

    private static async Task<int> RunServiceAsync(Dictionary<string, string?> options)
    {
        var data = new DataDirectory(Required(options, "--data"));
        Allow(options, "--data", "--urls", "--insecure-http", "--config");
        var urls = (options.GetValueOrDefault("--urls") ?? ServiceHost.DefaultUrl).Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        await using var app = await ServiceHost.BuildAsync(data, urls, options.ContainsKey("--insecure-http"), options.GetValueOrDefault("--config")).ConfigureAwait(false);
        await ServiceHost.RunAsync(app, Console.Out).ConfigureAwait(false);
        return 0;
    }

    private static int IssueDevCertificate(Dictionary<string, string?> options)
    {
        var data = new DataDirectory(Required(options, "--data"));
        var csr = Required(options, "--csr");
        var output = Required(options, "--out");
        Allow(options, "--data", "--csr", "--out");
        if (File.Exists(output))
        {
            throw new ServiceConfigurationException($"{output} exists already; choose another --out");
        }
        using var ca = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(data.DevCaCertificate, data.DevCaKey);
        string pem;
        try
        {
            using var issued = DevCertificates.IssueCodeSigning(ca, File.ReadAllText(csr));
            pem = issued.ExportCertificatePem() + "\n";
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            throw new ServiceConfigurationException($"{csr} is not a PEM certificate request whose signature verifies");
        }
        File.WriteAllText(output, pem);
        Console.WriteLine($"issued a development code-signing certificate for {csr}: {output}");
        return 0;
    }

    private static int Help(int code)
    {
        (code == 0 ? Console.Out : Console.Error).WriteLine(Usage);
        return code;
    }

    private static Dictionary<string, string?> Options(string[] args)
    {
        var options = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (!name.StartsWith("--", StringComparison.Ordinal))
            {
                throw new UsageException($"unexpected argument '{name}'");
            }
            if (name == "--insecure-http")
            {
                options[name] = null;
                continue;
            }
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                options[name[..equals]] = name[(equals + 1)..];
                continue;
            }
            if (i + 1 >= args.Length)
            {
                throw new UsageException($"{name} needs a value");
            }
            options[name] = args[++i];
        }
        return options;
    }

    private static string Required(Dictionary<string, string?> options, string name) =>
        options.GetValueOrDefault(name) is { Length: > 0 } value ? value : throw new UsageException($"{name} is required");

    private static void Allow(Dictionary<string, string?> options, params string[] names)
    {
        var unknown = options.Keys.FirstOrDefault(k => !names.Contains(k));
        if (unknown is not null)
        {
            throw new UsageException($"unknown option {unknown}");
        }
    }

    private sealed class UsageException(string message) : Exception(message);
}
