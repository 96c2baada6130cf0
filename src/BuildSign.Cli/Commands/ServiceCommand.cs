using System.CommandLine;
using System.Text;
using BuildSign.Cli.Service;
using BuildSign.Core;

namespace BuildSign.Cli.Commands;

/// <summary>
/// <c>buildsign service …</c>: administration of a BuildSign signing service — subscribers, tokens,
/// keys with CSR and attestation, certificates, the audit export. The credential comes from
/// BUILDSIGN_TOKEN; created tokens go to a file (mode 0600), never to the terminal.
/// </summary>
internal static class ServiceCommand
{
    public static Command Create()
    {
        var subscriber = new Command("subscriber", "Subscribers (service admin)") { SubscriberCreate() };
        var token = new Command("token", "API tokens") { TokenCreate(), TokenRevoke() };
        var key = new Command("key", "Keys in the service's HSM") { KeyCreate(), KeyInstallCertificate(), KeyDisable() };
        var audit = new Command("audit", "The audit log") { AuditExport() };
        return new Command("service", "Administer a BuildSign signing service (credential from BUILDSIGN_TOKEN)") { subscriber, token, key, audit };
    }

    private static Option<string> Url() => new("--url") { Description = "The service, e.g. https://127.0.0.1:8443", Required = true };

    private static Option<string?> TlsCa() => new("--tls-ca") { Description = "PEM CA bundle to trust for the service's TLS (default: BUILDSIGN_TLS_CA, else the system's)" };

    private static Command SubscriberCreate()
    {
        var (url, ca) = (Url(), TlsCa());
        var name = new Option<string>("--name") { Description = "The subscriber's name", Required = true };
        var command = new Command("create", "Create a subscriber; prints its id") { url, ca, name };
        command.SetAction((r, ct) => Run(r, url, ca, async client =>
        {
            var answer = await client.PostAsync("v1/subscribers", new { name = r.GetValue(name) }, ct).ConfigureAwait(false);
            Console.WriteLine(answer["id"]?.GetValue<string>());
        }));
        return command;
    }

    private static Command TokenCreate()
    {
        var (url, ca) = (Url(), TlsCa());
        var subscriber = new Option<string>("--subscriber") { Description = "The subscriber's id", Required = true };
        var role = new Option<string>("--role") { Description = "key-admin, signer or auditor", Required = true };
        var keys = new Option<string[]>("--key-id") { Description = "Limit the token to these keys (repeatable)", AllowMultipleArgumentsPerToken = true };
        var expires = new Option<long>("--expires-in") { Description = "Lifetime in seconds", DefaultValueFactory = _ => 30L * 24 * 3600 };
        var output = new Option<string>("--out") { Description = "File to write the token to (created with mode 0600; must not exist)", Required = true };
        var command = new Command("create", "Create an API token; writes it to --out and prints its id") { url, ca, subscriber, role, keys, expires, output };
        command.SetAction((r, ct) => Run(r, url, ca, async client =>
        {
            var path = r.GetValue(output)!;
            if (File.Exists(path))
            {
                throw new SigningException($"{path} exists already; tokens are written to new files only");
            }
            var keyIds = r.GetValue(keys);
            var answer = await client.PostAsync($"v1/subscribers/{Uri.EscapeDataString(r.GetValue(subscriber)!)}/tokens",
                new { role = r.GetValue(role), keys = keyIds is { Length: > 0 } ? keyIds : null, expiresInSeconds = r.GetValue(expires) }, ct).ConfigureAwait(false);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            await using (var writer = new StreamWriter(path, new UTF8Encoding(false), options))
            {
                await writer.WriteLineAsync(answer["token"]?.GetValue<string>()).ConfigureAwait(false);
            }
            Console.WriteLine(answer["id"]?.GetValue<string>());
        }));
        return command;
    }

    private static Command TokenRevoke()
    {
        var (url, ca) = (Url(), TlsCa());
        var id = new Option<string>("--token-id") { Description = "The token's id", Required = true };
        var command = new Command("revoke", "Revoke a token at once") { url, ca, id };
        command.SetAction((r, ct) => Run(r, url, ca, async client =>
        {
            await client.DeleteAsync($"v1/tokens/{Uri.EscapeDataString(r.GetValue(id)!)}", ct).ConfigureAwait(false);
            Console.WriteLine($"revoked {r.GetValue(id)}");
        }));
        return command;
    }

    private static Command KeyCreate()
    {
        var (url, ca) = (Url(), TlsCa());
        var name = new Option<string>("--name") { Description = "The key's name", Required = true };
        var algorithm = new Option<string>("--algorithm") { Description = "rsa-3072, rsa-4096, ecdsa-p256 or ecdsa-p384", DefaultValueFactory = _ => "rsa-3072" };
        var csr = new Option<string>("--csr-out") { Description = "Where to write the CSR (PEM)", Required = true };
        var attestation = new Option<string>("--attestation-out") { Description = "Where to write the attestation (JSON)", Required = true };
        var command = new Command("create", "Generate a key inside the service's HSM (key admin); writes its CSR and attestation, prints its id") { url, ca, name, algorithm, csr, attestation };
        command.SetAction((r, ct) => Run(r, url, ca, async client =>
        {
            var answer = await client.PostAsync("v1/keys", new { name = r.GetValue(name), algorithm = r.GetValue(algorithm) }, ct).ConfigureAwait(false);
            await File.WriteAllTextAsync(r.GetValue(csr)!, answer["csr"]?.GetValue<string>(), ct).ConfigureAwait(false);
            await File.WriteAllTextAsync(r.GetValue(attestation)!, answer["attestation"]?.GetValue<string>() + "\n", ct).ConfigureAwait(false);
            Console.WriteLine(answer["keyId"]?.GetValue<string>());
        }));
        return command;
    }

    private static Command KeyInstallCertificate()
    {
        var (url, ca) = (Url(), TlsCa());
        var id = new Option<string>("--key-id") { Description = "The key's id", Required = true };
        var certificate = new Option<string>("--certificate") { Description = "The chain the CA issued (PEM, the key's certificate first)", Required = true };
        var command = new Command("install-certificate", "Install the key's certificate chain (key admin)") { url, ca, id, certificate };
        command.SetAction((r, ct) => Run(r, url, ca, async client =>
        {
            var chain = AttestationCommand.Read(r.GetValue(certificate)!);
            await client.PutAsync($"v1/keys/{Uri.EscapeDataString(r.GetValue(id)!)}/certificate", new { certificateChain = chain }, ct).ConfigureAwait(false);
            Console.WriteLine($"installed the certificate of key {r.GetValue(id)}");
        }));
        return command;
    }

    private static Command KeyDisable()
    {
        var (url, ca) = (Url(), TlsCa());
        var id = new Option<string>("--key-id") { Description = "The key's id", Required = true };
        var command = new Command("disable", "Stop all signing with a key at once (key admin)") { url, ca, id };
        command.SetAction((r, ct) => Run(r, url, ca, async client =>
        {
            await client.PostAsync($"v1/keys/{Uri.EscapeDataString(r.GetValue(id)!)}/disable", new { }, ct).ConfigureAwait(false);
            Console.WriteLine($"disabled key {r.GetValue(id)}");
        }));
        return command;
    }

    private static Command AuditExport()
    {
        var (url, ca) = (Url(), TlsCa());
        var output = new Option<string>("--out") { Description = "Where to write the export (JSON lines)", Required = true };
        var command = new Command("export", "Export the audit log, signed by the service (auditor or service admin)") { url, ca, output };
        command.SetAction((r, ct) => Run(r, url, ca, async client =>
        {
            var bytes = await client.GetBytesAsync("v1/audit/export", ct).ConfigureAwait(false);
            await File.WriteAllBytesAsync(r.GetValue(output)!, bytes, ct).ConfigureAwait(false);
            Console.WriteLine($"exported the audit log to {r.GetValue(output)}");
        }));
        return command;
    }

    private static async Task<int> Run(ParseResult result, Option<string> url, Option<string?> ca, Func<ServiceApiClient, Task> action)
    {
        try
        {
            using var client = new ServiceApiClient(result.GetValue(url)!, result.GetValue(ca));
            await action(client).ConfigureAwait(false);
            return ExitCodes.Success;
        }
        catch (Exception ex) when (ex is SigningException or IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            await Console.Error.WriteLineAsync($"buildsign: {ex.Message.ReplaceLineEndings(" ")}").ConfigureAwait(false);
            return ExitCodes.Failed;
        }
    }
}
