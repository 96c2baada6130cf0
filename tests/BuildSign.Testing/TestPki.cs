using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace BuildSign.Testing;

/// <summary>
/// A test PKI as real deployments have it: a root CA that issues a code-signing leaf
/// (critical codeSigning EKU) in RSA-3072 and ECDSA P-256, and a timestamping leaf
/// (critical timeStamping EKU). Files are written as PEM into <see cref="Directory"/>.
/// Created once per test run (see <see cref="Shared"/>): key generation is slow.
/// </summary>
public sealed class TestPki
{
    private const string SharedPrefix = "buildsign-pki";

    // One per test process, in an owner-only folder removed when the process exits; folders of
    // killed runs are removed by the next run.
    private static readonly Lazy<TestPki> SharedInstance = new(() =>
    {
        OwnerOnlyDirectory.RemoveStale(SharedPrefix);
        var pki = new TestPki(System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{SharedPrefix}-{Environment.ProcessId}"));
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { System.IO.Directory.Delete(pki.Directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
        return pki;
    });

    public static TestPki Shared => SharedInstance.Value;

    public TestPki(string directory)
    {
        Directory = directory;
        OwnerOnlyDirectory.Create(directory);
        var notBefore = DateTimeOffset.UtcNow.AddDays(-1);
        var notAfter = DateTimeOffset.UtcNow.AddYears(2);

        var rootKey = RSA.Create(3072);
        RootKey = rootKey;
        var rootRequest = new CertificateRequest("CN=BuildSign Test Root CA, O=BuildSign Tests", rootKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        rootRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(rootRequest.PublicKey, false));
        Root = rootRequest.CreateSelfSigned(notBefore.AddDays(-1), notAfter.AddYears(1));

        RsaKey = RSA.Create(3072);
        RsaLeaf = Issue("CN=BuildSign Test Signer RSA, O=BuildSign Tests", new CertificateRequest("CN=BuildSign Test Signer RSA, O=BuildSign Tests", RsaKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), "1.3.6.1.5.5.7.3.3", notBefore, notAfter, 2);
        EcdsaKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        EcdsaLeaf = Issue("CN=BuildSign Test Signer ECDSA", new CertificateRequest("CN=BuildSign Test Signer ECDSA, O=BuildSign Tests", EcdsaKey, HashAlgorithmName.SHA256), "1.3.6.1.5.5.7.3.3", notBefore, notAfter, 3);
        TsaKey = RSA.Create(2048);
        TsaLeaf = Issue("CN=BuildSign Test TSA", new CertificateRequest("CN=BuildSign Test TSA, O=BuildSign Tests", TsaKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), "1.3.6.1.5.5.7.3.8", notBefore, notAfter, 4);

        WritePem(RootPem, Root);
        WritePem(RsaLeafPem, RsaLeaf);
        WritePem(EcdsaLeafPem, EcdsaLeaf);
        WritePem(TsaLeafPem, TsaLeaf);
        File.WriteAllText(RootKeyPem, RootKey.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(RsaKeyPem, RsaKey.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(EcdsaKeyPem, EcdsaKey.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(TsaKeyPem, TsaKey.ExportPkcs8PrivateKeyPem());
        File.WriteAllBytes(RsaPfx, RsaLeaf.CopyWithPrivateKey(RsaKey).Export(X509ContentType.Pfx));
        File.WriteAllBytes(EcdsaPfx, EcdsaLeaf.CopyWithPrivateKey(EcdsaKey).Export(X509ContentType.Pfx));

        X509Certificate2 Issue(string _, CertificateRequest request, string ekuOid, DateTimeOffset from, DateTimeOffset to, byte serial)
        {
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ekuOid)], true));
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Root, true, false));
            var generator = X509SignatureGenerator.CreateForRSA(rootKey, RSASignaturePadding.Pkcs1);
            using var issued = request.Create(Root.SubjectName, generator, from, to, [0x10, serial, (byte)Random.Shared.Next(256)]);
            return X509CertificateLoader.LoadCertificate(issued.RawData);
        }
    }

    public string Directory { get; }
    public X509Certificate2 Root { get; }
    public RSA RootKey { get; }
    public string RootKeyPem => Path("root-key.pem");
    public X509Certificate2 RsaLeaf { get; }
    public RSA RsaKey { get; }
    public X509Certificate2 EcdsaLeaf { get; }
    public ECDsa EcdsaKey { get; }
    public X509Certificate2 TsaLeaf { get; }
    public RSA TsaKey { get; }

    public string RootPem => Path("root.pem");
    public string RsaLeafPem => Path("rsa-leaf.pem");
    public string RsaKeyPem => Path("rsa-key.pem");
    public string RsaPfx => Path("rsa.pfx");
    public string EcdsaLeafPem => Path("ecdsa-leaf.pem");
    public string EcdsaKeyPem => Path("ecdsa-key.pem");
    public string EcdsaPfx => Path("ecdsa.pfx");
    public string TsaLeafPem => Path("tsa-leaf.pem");
    public string TsaKeyPem => Path("tsa-key.pem");

    private string Path(string name) => System.IO.Path.Combine(Directory, name);

    private static void WritePem(string path, X509Certificate2 certificate) => File.WriteAllText(path, certificate.ExportCertificatePem() + "\n");
}
