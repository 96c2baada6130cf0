using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cmp;
using Org.BouncyCastle.Asn1.Cms;
using Org.BouncyCastle.Asn1.Ess;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.Tsp;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Cms;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Utilities.Collections;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace BuildSign.Core.Tests.Timestamping;

/// <summary>
/// Builds granted TimeStampResp messages by hand (TSTInfo in a CMS SignedData) for TSAs that
/// BouncyCastle's own token generator refuses to act as, such as one whose EKU is not critical.
/// </summary>
internal static class ForgedTimestampResponse
{
    public static byte[] Create(X509Certificate2 certificate, AsymmetricAlgorithm key, string imprintOid, byte[] imprint, long? nonce)
    {
        var bcCertificate = new BcCertificate(certificate.RawData);
        var tstInfo = new TstInfo(
            new DerObjectIdentifier("1.2.3.4.5"),
            new MessageImprint(new AlgorithmIdentifier(new DerObjectIdentifier(imprintOid), DerNull.Instance), imprint),
            DerInteger.ValueOf(42),
            new Asn1GeneralizedTime(DateTime.UtcNow),
            null,
            null,
            nonce is { } n ? DerInteger.ValueOf(n) : null,
            null,
            null);
        var signingCertificate = new SigningCertificateV2(new EssCertIDv2(SHA256.HashData(certificate.RawData)));
        var signedAttributes = new Org.BouncyCastle.Asn1.Cms.AttributeTable(new Asn1EncodableVector(
            new Org.BouncyCastle.Asn1.Cms.Attribute(PkcsObjectIdentifiers.IdAASigningCertificateV2, new DerSet(signingCertificate))));

        var generator = new CmsSignedDataGenerator();
        generator.AddSigner(PrivateKeyFactory.CreateKey(key.ExportPkcs8PrivateKey()), bcCertificate, CmsSignedGenerator.DigestSha256, signedAttributes, null);
        generator.AddCertificates(CollectionUtilities.CreateStore([bcCertificate]));
        var signed = generator.Generate(new CmsProcessableByteArray(PkcsObjectIdentifiers.IdCTTstInfo, tstInfo.GetEncoded()), true);
        return new TimeStampResp(new PkiStatusInfo((int)PkiStatus.Granted), signed.ContentInfo).GetEncoded();
    }

    /// <summary>A self-signed TSA certificate with the given extended key usages (none: no EKU extension).</summary>
    public static (X509Certificate2 Certificate, RSA Key) TsaCertificate(string[] ekuOids, bool critical)
    {
        var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=BuildSign Test Bad TSA", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        if (ekuOids.Length > 0)
        {
            var usages = new OidCollection();
            foreach (var oid in ekuOids) usages.Add(new Oid(oid));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, critical));
        }
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return (X509CertificateLoader.LoadCertificate(certificate.RawData), key);
    }
}
