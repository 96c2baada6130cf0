using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cms;
using Org.BouncyCastle.Cms;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using BcAttribute = Org.BouncyCastle.Asn1.Cms.Attribute;

namespace BuildSign.Testing;

/// <summary>
/// A detached CMS signature as BuildSign wrote them before the key-protection OID changed: the
/// statement under the old 2.25 OID with its 128-bit arc. Made with BouncyCastle, so the tests
/// hold such a signature although BuildSign no longer writes one.
/// </summary>
public static class LegacyKeyProtectionSignature
{
    /// <summary>The OID BuildSign used before; kept here as data, not taken from Core.</summary>
    public const string LegacyOid = "2.25.45809641269074239280330955533153287741";

    /// <summary>Writes <c>FILE.p7s</c> beside <paramref name="file"/> with the test PKI's RSA key, stating <paramref name="protection"/>.</summary>
    public static string WriteDetached(string file, string protection = "software")
    {
        var pki = TestPki.Shared;
        var certificate = new X509Certificate(pki.RsaLeaf.RawData);
        var key = DotNetUtilities.GetRsaKeyPair(pki.RsaKey).Private;
        var attributes = new Asn1EncodableVector
        {
            new BcAttribute(new DerObjectIdentifier(LegacyOid), new DerSet(new DerUtf8String(protection))),
        };
        var generator = new CmsSignedDataGenerator();
        generator.AddSigner(key, certificate, CmsSignedGenerator.DigestSha256, new AttributeTable(attributes), null);
        generator.AddCertificate(certificate);
        var signed = generator.Generate(new CmsProcessableByteArray(File.ReadAllBytes(file)), encapsulate: false);
        var path = file + ".p7s";
        File.WriteAllBytes(path, signed.GetEncoded(Asn1Encodable.Der));
        return path;
    }
}
