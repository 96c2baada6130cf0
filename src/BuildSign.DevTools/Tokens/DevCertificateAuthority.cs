using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

using BuildSign.Core;
using BuildSign.Core.Keys.Pkcs11;

namespace BuildSign.DevTools.Tokens;

/// <summary>
/// A software root CA for development only: it issues the dev token's code-signing certificate so
/// that signatures chain to a root a developer can choose to trust on their own machine.
/// </summary>
internal static class DevCertificateAuthority
{
    private const string CodeSigningOid = "1.3.6.1.5.5.7.3.3";

    /// <summary>Creates the root: RSA-3072, ten years, CA with path length 0.</summary>
    public static X509Certificate2 CreateRoot()
    {
        using var key = RSA.Create(3072);
        var request = new CertificateRequest("CN=BuildSign Dev Root CA, O=BuildSign development only", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(10));
    }

    /// <summary>
    /// Issues a one-year timestamping certificate (critical timeStamping EKU, as CSBR 7.1.2.3 and
    /// RFC 3161 require) for the local development timestamp server.
    /// </summary>
    public static X509Certificate2 IssueTimestamping(X509Certificate2 root, RSA publicKey) =>
        Issue(root, "CN=BuildSign Dev Timestamp Authority, O=BuildSign development only", publicKey, "1.3.6.1.5.5.7.3.8");

    /// <summary>Issues a one-year code-signing certificate (critical codeSigning EKU, not a CA) for an RSA public key.</summary>
    public static X509Certificate2 IssueCodeSigning(X509Certificate2 root, RSA publicKey) =>
        Issue(root, "CN=BuildSign Dev Signer, O=BuildSign development only", publicKey, CodeSigningOid);

    private static X509Certificate2 Issue(X509Certificate2 root, string subject, RSA publicKey, string usage)
    {
        var request = new CertificateRequest(subject, publicKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(root, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // a positive serial number, as RFC 5280 requires
        var now = DateTimeOffset.UtcNow;
        return request.Create(root, now.AddMinutes(-5), now.AddYears(1), serial);
    }
}
