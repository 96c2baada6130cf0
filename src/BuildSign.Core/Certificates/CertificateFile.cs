using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace BuildSign.Core.Certificates;

/// <summary>Reads certificates from PEM (one or many) or DER files; <see cref="SignerCertificateChain"/> sorts out a chain.</summary>
public static class CertificateFile
{
    /// <summary>Loads every certificate in a PEM file, or the single certificate of a DER file.</summary>
    public static IReadOnlyList<X509Certificate2> Load(string path)
    {
        if (Files.FileKinds.Of(path) is var kind && kind != Files.FileKind.Regular)
        {
            throw new SigningException(path, kind == Files.FileKind.Missing ? "certificate file not found" : $"the certificate file is {Files.FileKinds.Describe(kind)}");
        }
        try
        {
            var bytes = File.ReadAllBytes(path);
            if (bytes.AsSpan().IndexOf("-----BEGIN"u8) >= 0)
            {
                var collection = new X509Certificate2Collection();
                collection.ImportFromPem(System.Text.Encoding.ASCII.GetString(bytes));
                return [.. collection];
            }
            return [X509CertificateLoader.LoadCertificate(bytes)];
        }
        catch (CryptographicException exception)
        {
            throw new SigningException(path, $"not a certificate file: {exception.Message}", exception);
        }
    }
}
