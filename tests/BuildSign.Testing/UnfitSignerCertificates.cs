using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace BuildSign.Testing;

/// <summary>
/// Certificates for the test PKI's RSA key (the token's "rsa" key too) that no verifier accepts
/// for code signing, issued by the test root and written as PEM: expired, not yet valid, an EKU
/// without codeSigning, a key usage without digitalSignature; and a good certificate for another key.
/// </summary>
public static class UnfitSignerCertificates
{
    /// <summary>The kinds, as test data names.</summary>
    public static readonly string[] Kinds = ["expired", "not-yet-valid", "server-auth-eku", "no-digital-signature", "other-key"];

    /// <summary>Writes the certificate of the given kind into <paramref name="directory"/> and returns its path.</summary>
    public static string Write(TestPki pki, string kind, string directory)
    {
        ArgumentNullException.ThrowIfNull(pki);
        var now = DateTimeOffset.UtcNow;
        using var otherKey = RSA.Create(2048);
        var certificate = kind switch
        {
            "expired" => Issue(pki, pki.RsaKey, "1.3.6.1.5.5.7.3.3", X509KeyUsageFlags.DigitalSignature, now.AddDays(-30), now.AddDays(-1)),
            "not-yet-valid" => Issue(pki, pki.RsaKey, "1.3.6.1.5.5.7.3.3", X509KeyUsageFlags.DigitalSignature, now.AddDays(1), now.AddDays(30)),
            "server-auth-eku" => Issue(pki, pki.RsaKey, "1.3.6.1.5.5.7.3.1", X509KeyUsageFlags.DigitalSignature, now.AddDays(-1), now.AddDays(30)),
            "no-digital-signature" => Issue(pki, pki.RsaKey, "1.3.6.1.5.5.7.3.3", X509KeyUsageFlags.KeyEncipherment, now.AddDays(-1), now.AddDays(30)),
            "other-key" => Issue(pki, otherKey, "1.3.6.1.5.5.7.3.3", X509KeyUsageFlags.DigitalSignature, now.AddDays(-1), now.AddDays(30)),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
        var path = Path.Combine(directory, kind + ".pem");
        File.WriteAllText(path, certificate.ExportCertificatePem() + "\n");
        return path;
    }

    private static X509Certificate2 Issue(TestPki pki, RSA key, string eku, X509KeyUsageFlags usage, DateTimeOffset from, DateTimeOffset to)
    {
        var request = new CertificateRequest("CN=BuildSign Unfit Signer, O=BuildSign Tests", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(eku)], true));
        var generator = X509SignatureGenerator.CreateForRSA(pki.RootKey, RSASignaturePadding.Pkcs1);
        using var issued = request.Create(pki.Root.SubjectName, generator, from, to, RandomNumberGenerator.GetBytes(8));
        return X509CertificateLoader.LoadCertificate(issued.RawData);
    }
}
