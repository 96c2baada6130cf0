using System.CommandLine;
using BuildSign.Core;
using BuildSign.Core.Keys.Remote.Audit;

namespace BuildSign.Cli.Commands;

/// <summary><c>buildsign audit verify</c>: checks a signing service's audit export for any change.</summary>
internal static class AuditCommand
{
    public static Command Create()
    {
        var export = new Argument<string>("EXPORT") { Description = "The audit export (JSON lines from GET /v1/audit/export)" };
        var service = new Option<string>("--service-certificate") { Description = "The service's attestation certificate (PEM) that signed the export", Required = true };
        var verify = new Command("verify", "Check an audit export: the service's signature and the hash chain from the first record; any edit, deletion, insertion or reordering fails") { export, service };
        verify.SetAction(result =>
        {
            var path = result.GetValue(export)!;
            try
            {
                using var certificate = AttestationCommand.ReadCertificate(result.GetValue(service)!);
                byte[] bytes;
                try
                {
                    bytes = File.ReadAllBytes(path);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    throw new SigningException($"could not be read: {(ex is FileNotFoundException or DirectoryNotFoundException ? "it does not exist" : ex.GetType().Name)}");
                }
                var summary = AuditExportVerifier.Verify(bytes, certificate);
                Console.WriteLine($"audit export verified: {summary.Records} records in one unbroken chain ({summary.WithBody} with content, {summary.Records - summary.WithBody} of other subscribers by hash), last hash {summary.LastHash}");
                return ExitCodes.Success;
            }
            catch (SigningException ex)
            {
                Console.Error.WriteLine($"buildsign: {path}: {ex.Message}");
                return ExitCodes.Failed;
            }
        });
        return new Command("audit", "Check audit exports from a signing service") { verify };
    }
}
