using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BuildSign.Core;
using BuildSign.Core.Keys.Remote.Attestation;

namespace BuildSign.Cli.Commands;

/// <summary>
/// <c>buildsign attestation verify</c>: checks that a signing service generated a key inside its HSM,
/// from the CSR and attestation it returned and the service's attestation certificate.
/// </summary>
internal static class AttestationCommand
{
    public static Command Create()
    {
        var csr = new Option<string>("--csr") { Description = "The CSR the service returned for the key (PEM)", Required = true };
        var attestation = new Option<string>("--attestation") { Description = "The attestation the service returned for the key (JSON)", Required = true };
        var service = new Option<string>("--service-certificate") { Description = "The service's attestation certificate (PEM), obtained out of band or from GET /v1/service/attestation-certificate", Required = true };
        var verify = new Command("verify", "Check a key attestation: the service's signature, the CSR's public key, and that the HSM generated the key and never lets it out") { csr, attestation, service };
        verify.SetAction(result =>
        {
            var csrPath = result.GetValue(csr)!;
            var attestationPath = result.GetValue(attestation)!;
            var servicePath = result.GetValue(service)!;
            try
            {
                using var certificate = ReadCertificate(servicePath);
                var statement = KeyAttestationVerifier.Verify(Read(csrPath), Read(attestationPath), certificate);
                Console.WriteLine($"attestation verified: key {statement.KeyId} ({statement.Algorithm}, '{statement.KeyName}') of subscriber {statement.Subscriber}");
                Console.WriteLine($"  generated in token '{statement.Token.Label}' ({statement.Token.Manufacturer} {statement.Token.Model}, serial {statement.Token.SerialNumber}) at {statement.Time:u}");
                Console.WriteLine("  local, sensitive, always sensitive, never extractable; the CSR carries the attested public key");
                return ExitCodes.Success;
            }
            catch (SigningException ex)
            {
                Console.Error.WriteLine($"buildsign: {attestationPath}: {ex.Message}");
                return ExitCodes.Failed;
            }
        });
        return new Command("attestation", "Check key attestations from a signing service") { verify };
    }

    internal static string Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SigningException($"{path} could not be read: {(ex is FileNotFoundException or DirectoryNotFoundException ? "it does not exist" : ex.GetType().Name)}");
        }
    }

    internal static X509Certificate2 ReadCertificate(string path)
    {
        try
        {
            return X509Certificate2.CreateFromPem(Read(path));
        }
        catch (CryptographicException)
        {
            throw new SigningException($"{path} is not a PEM certificate");
        }
    }
}
