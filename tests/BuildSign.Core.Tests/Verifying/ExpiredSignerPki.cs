using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BuildSign.Testing;

namespace BuildSign.Core.Tests.Verifying;

/// <summary>
/// A PKI whose code-signing leaf expired 100 days ago (valid from 300 to 100 days ago), a TSA
/// under the same root, and a self-made TSA that chains to nothing: what it takes to ask whether
/// a timestamp may vouch for an expired signer. Files are written to a temp folder removed on dispose.
/// </summary>
internal sealed class ExpiredSignerPki : IDisposable
{
    private readonly TempDirectory _directory = new();

    public ExpiredSignerPki()
    {
        var now = DateTimeOffset.UtcNow;
        using var rootKey = RSA.Create(2048);
        var rootRequest = new CertificateRequest("CN=BuildSign Expiry Test Root", rootKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        Root = rootRequest.CreateSelfSigned(now.AddDays(-400), now.AddDays(400));

        SignerKey = RSA.Create(2048);
        Signer = Issue("CN=BuildSign Expired Signer", SignerKey, "1.3.6.1.5.5.7.3.3", now.AddDays(-300), now.AddDays(-100), 1);
        TsaKey = RSA.Create(2048);
        Tsa = Issue("CN=BuildSign Expiry Test TSA", TsaKey, "1.3.6.1.5.5.7.3.8", now.AddDays(-400), now.AddDays(400), 2);

        SelfMadeTsaKey = RSA.Create(2048);
        var selfMade = new CertificateRequest("CN=Self-made TSA", SelfMadeTsaKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        selfMade.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        selfMade.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.8")], true));
        using var selfSigned = selfMade.CreateSelfSigned(now.AddDays(-400), now.AddDays(400));
        SelfMadeTsa = X509CertificateLoader.LoadCertificate(selfSigned.RawData);

        SignerPfx = _directory.File("expired-signer.pfx");
        System.IO.File.WriteAllBytes(SignerPfx, Signer.CopyWithPrivateKey(SignerKey).Export(X509ContentType.Pfx));

        X509Certificate2 Issue(string subject, RSA key, string eku, DateTimeOffset from, DateTimeOffset to, byte serial)
        {
            var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(eku)], true));
            using var issued = request.Create(Root, from, to, [0x20, serial]);
            return X509CertificateLoader.LoadCertificate(issued.RawData);
        }
    }

    public X509Certificate2 Root { get; }
    public X509Certificate2 Signer { get; }
    public RSA SignerKey { get; }
    public string SignerPfx { get; }
    public X509Certificate2 Tsa { get; }
    public RSA TsaKey { get; }
    public X509Certificate2 SelfMadeTsa { get; }
    public RSA SelfMadeTsaKey { get; }

    /// <summary>A moment inside the signer's validity: when the signature claims to have been made.</summary>
    public static DateTimeOffset WhileSignerWasValid => DateTimeOffset.UtcNow.AddDays(-200);

    public string File(string name) => _directory.File(name);

    public void Dispose()
    {
        SignerKey.Dispose();
        TsaKey.Dispose();
        SelfMadeTsaKey.Dispose();
        _directory.Dispose();
    }
}
