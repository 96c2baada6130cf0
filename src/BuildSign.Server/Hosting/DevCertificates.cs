using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace BuildSign.Server.Hosting;

/// <summary>
/// Development certificates made by <c>init</c>: the TLS certificate for 127.0.0.1 and localhost, and
/// a dev CA that issues code-signing certificates for subscribers' CSRs. Development only: a real
/// deployment uses its own TLS certificate and a real CA.
/// </summary>
public static class DevCertificates
{
    private const string CodeSigningOid = "1.3.6.1.5.5.7.3.3";

    /// <summary>A self-signed ECDSA P-256 TLS server certificate for 127.0.0.1, ::1 and localhost, valid two years.</summary>
    public static X509Certificate2 CreateTls()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=BuildSign signing service (development)", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(2));
    }

    /// <summary>The dev CA: RSA-3072, ten years, path length 0.</summary>
    public static X509Certificate2 CreateCa()
    {
        using var key = RSA.Create(3072);
        var request = new CertificateRequest("CN=BuildSign Service Dev CA, O=BuildSign development only", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(10));
    }

    /// <summary>Issues a one-year code-signing certificate for the subject and public key of a CSR whose own signature verifies.</summary>
    public static X509Certificate2 IssueCodeSigning(X509Certificate2 ca, string csrPem)
    {
        ArgumentNullException.ThrowIfNull(ca);
        var csr = CertificateRequest.LoadSigningRequestPem(csrPem, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.Default);
        var request = new CertificateRequest(csr.SubjectName, csr.PublicKey, HashAlgorithmName.SHA256, csr.PublicKey.GetRSAPublicKey() is null ? null : RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(CodeSigningOid)], true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        var now = DateTimeOffset.UtcNow;
        var generator = X509SignatureGenerator.CreateForRSA(ca.GetRSAPrivateKey()!, RSASignaturePadding.Pkcs1);
        return request.Create(ca.SubjectName, generator, now.AddMinutes(-5), now.AddYears(1), serial);
    }
}
