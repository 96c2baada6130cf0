using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

using BuildSign.Core;
using BuildSign.Core.Keys.Pkcs11;

using Pkcs11Uri = BuildSign.Core.Keys.Pkcs11.Pkcs11Uri;

namespace BuildSign.DevTools.Tokens;

/// <summary>
/// Creates the embedded development default: a SoftHSM2 token in a private folder, holding an
/// RSA-3072 key generated inside the token (sensitive, never extractable) and a code-signing
/// certificate for it from a development root CA kept in the same folder.
/// </summary>
/// <remarks>
/// SoftHSM2 reads SOFTHSM2_CONF from the native environment when the module initializes, so the
/// provisioner writes the folder's own configuration and sets the variable natively before it
/// loads the module (see <see cref="NativeEnvironment"/>). The key string it returns carries the
/// configuration as <c>softhsm2-conf=…</c>, which makes BuildSign do the same when it opens the key;
/// other PKCS#11 tools need SOFTHSM2_CONF exported.
/// </remarks>
public static class DevTokenProvisioner
{
    /// <summary>The folder used when none is given, relative to the working directory.</summary>
    public const string DefaultFolder = ".buildsign/hsm";

    /// <summary>The dev token's label.</summary>
    public const string TokenLabel = "buildsign-dev";

    /// <summary>The label of the signing key and its certificate in the token.</summary>
    public const string KeyLabel = "signer";

    private static readonly byte[] KeyId = [0x01];

    /// <summary>
    /// Returns the dev token in <paramref name="folder"/>, creating it when the folder holds none.
    /// A folder with a working token is reported as it is; a broken or half-made one is an error.
    /// </summary>
    public static Task<DevToken> ProvisionAsync(string folder, string modulePath = Pkcs11Uri.DefaultModulePath, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(folder);
        return Task.Run(() => Provision(Path.GetFullPath(folder), modulePath, cancellationToken), cancellationToken);
    }

    private static async Task<DevToken> Provision(string folder, string modulePath, CancellationToken cancellationToken)
    {
        var configPath = Path.Combine(folder, "softhsm2.conf");
        var tokenDirectory = Path.Combine(folder, "tokens");
        var pinPath = Path.Combine(folder, "pin");
        var rootPath = Path.Combine(folder, "dev-root.pem");
        var tsaPath = Path.Combine(folder, "dev-tsa.pem");
        var tsaKeyPath = Path.Combine(folder, "dev-tsa-key.pem");
        var signerPath = Path.Combine(folder, "signer.pem");
        var keyString = $"pkcs11:token={TokenLabel};object={KeyLabel}?module-path={Pkcs11Uri.Escape(modulePath)}&pin-source=file:{Pkcs11Uri.Escape(pinPath)}&{Pkcs11Uri.SoftHsmConfigAttribute}={Pkcs11Uri.Escape(configPath)}";

        if (File.Exists(pinPath))
        {
            try
            {
                await using var existing = await Pkcs11SigningKey.OpenAsync(Pkcs11Uri.Parse(keyString), null, cancellationToken).ConfigureAwait(false);
            }
            catch (SigningException ex)
            {
                throw new SigningException($"the dev token in {folder} does not work ({ex.Message}); delete the folder to create a new one", ex);
            }
            return new DevToken(keyString, configPath, rootPath, signerPath, tsaPath, tsaKeyPath, Created: false);
        }
        if (Directory.Exists(tokenDirectory) && Directory.EnumerateFileSystemEntries(tokenDirectory).Any())
        {
            throw new SigningException($"the folder {folder} holds a half-made dev token (no pin file); delete the folder to create a new one");
        }

        OwnerOnlyFile.CreateDirectory(folder);
        OwnerOnlyFile.CreateDirectory(tokenDirectory);
        File.WriteAllText(configPath, $"# SoftHSM2 configuration of the BuildSign dev token\ndirectories.tokendir = {tokenDirectory}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");

        var userPin = RandomNumberGenerator.GetHexString(32, lowercase: true);
        using var root = DevCertificateAuthority.CreateRoot();
        var signer = CreateTokenAndKey(modulePath, configPath, userPin, root);

        File.WriteAllText(rootPath, root.ExportCertificatePem() + "\n");
        using (var rootKey = root.GetRSAPrivateKey()!)
        {
            OwnerOnlyFile.WriteAllText(Path.Combine(folder, "dev-root-key.pem"), rootKey.ExportPkcs8PrivateKeyPem() + "\n");
        }
        File.WriteAllText(signerPath, signer.ExportCertificatePem() + "\n");
        using (var tsaKey = RSA.Create(3072))
        {
            File.WriteAllText(tsaPath, DevCertificateAuthority.IssueTimestamping(root, tsaKey).ExportCertificatePem() + "\n");
            OwnerOnlyFile.WriteAllText(tsaKeyPath, tsaKey.ExportPkcs8PrivateKeyPem() + "\n");
        }
        // The PIN file goes last: its presence marks a finished token.
        OwnerOnlyFile.WriteAllText(pinPath, userPin + "\n");
        return new DevToken(keyString, configPath, rootPath, signerPath, tsaPath, tsaKeyPath, Created: true);
    }

    private static X509Certificate2 CreateTokenAndKey(string modulePath, string configPath, string userPin, X509Certificate2 root)
    {
        var module = Pkcs11Module.Acquire(modulePath, configPath);
        try
        {
            var soPin = RandomNumberGenerator.GetHexString(32, lowercase: true);
            var freeSlot = module.Library.GetSlotList(SlotsType.WithTokenPresent).FirstOrDefault(s => !s.GetTokenInfo().TokenFlags.TokenInitialized)
                ?? throw new SigningException($"PKCS#11 module {modulePath} has no free slot for the dev token");
            freeSlot.InitToken(soPin, TokenLabel);
            // SoftHSM2 moves an initialized token to a new slot id, so look it up again by label.
            var (slot, _) = Pkcs11TokenLocator.Find(module, Pkcs11Uri.Parse($"pkcs11:token={TokenLabel}?module-path={Pkcs11Uri.Escape(modulePath)}"));
            using var session = slot.OpenSession(SessionType.ReadWrite);
            session.Login(CKU.CKU_SO, soPin);
            session.InitPin(userPin);
            session.Logout();
            session.Login(CKU.CKU_USER, userPin);
            try
            {
                var publicKey = GenerateKeyPair(session);
                using var rsa = RSA.Create(ReadPublicKey(session, publicKey));
                var certificate = DevCertificateAuthority.IssueCodeSigning(root, rsa);
                StoreCertificate(session, certificate);
                return certificate;
            }
            finally
            {
                session.Logout();
            }
        }
        catch (Pkcs11Exception ex)
        {
            throw new SigningException($"creating the dev token failed in {ex.Method}: {ex.RV}", ex);
        }
        finally
        {
            module.Release();
        }
    }

    private static IObjectHandle GenerateKeyPair(ISession session)
    {
        var f = session.Factories.ObjectAttributeFactory;
        List<IObjectAttribute> publicTemplate =
        [
            f.Create(CKA.CKA_TOKEN, true), f.Create(CKA.CKA_PRIVATE, false), f.Create(CKA.CKA_VERIFY, true),
            f.Create(CKA.CKA_MODULUS_BITS, 3072UL), f.Create(CKA.CKA_PUBLIC_EXPONENT, new byte[] { 0x01, 0x00, 0x01 }),
            f.Create(CKA.CKA_LABEL, KeyLabel), f.Create(CKA.CKA_ID, KeyId),
        ];
        // Generated inside the token, sensitive and never extractable: the key cannot leave it.
        List<IObjectAttribute> privateTemplate =
        [
            f.Create(CKA.CKA_TOKEN, true), f.Create(CKA.CKA_PRIVATE, true), f.Create(CKA.CKA_SIGN, true),
            f.Create(CKA.CKA_SENSITIVE, true), f.Create(CKA.CKA_EXTRACTABLE, false), f.Create(CKA.CKA_DECRYPT, false),
            f.Create(CKA.CKA_LABEL, KeyLabel), f.Create(CKA.CKA_ID, KeyId),
        ];
        using var mechanism = session.Factories.MechanismFactory.Create(CKM.CKM_RSA_PKCS_KEY_PAIR_GEN);
        session.GenerateKeyPair(mechanism, publicTemplate, privateTemplate, out var publicKey, out _);
        return publicKey;
    }

    private static RSAParameters ReadPublicKey(ISession session, IObjectHandle publicKey)
    {
        var values = Pkcs11Objects.Read(session, publicKey, CKA.CKA_MODULUS, CKA.CKA_PUBLIC_EXPONENT);
        return new RSAParameters { Modulus = values.Bytes(CKA.CKA_MODULUS), Exponent = values.Bytes(CKA.CKA_PUBLIC_EXPONENT) };
    }

    private static void StoreCertificate(ISession session, X509Certificate2 certificate)
    {
        var f = session.Factories.ObjectAttributeFactory;
        session.CreateObject(
        [
            f.Create(CKA.CKA_CLASS, CKO.CKO_CERTIFICATE), f.Create(CKA.CKA_CERTIFICATE_TYPE, CKC.CKC_X_509),
            f.Create(CKA.CKA_TOKEN, true), f.Create(CKA.CKA_PRIVATE, false), f.Create(CKA.CKA_LABEL, KeyLabel), f.Create(CKA.CKA_ID, KeyId),
            f.Create(CKA.CKA_SUBJECT, certificate.SubjectName.RawData), f.Create(CKA.CKA_ISSUER, certificate.IssuerName.RawData),
            f.Create(CKA.CKA_SERIAL_NUMBER, SerialNumberDer(certificate)), f.Create(CKA.CKA_VALUE, certificate.RawData),
        ]);
    }

    // CKA_SERIAL_NUMBER holds the DER INTEGER, tag and length included.
    private static byte[] SerialNumberDer(X509Certificate2 certificate)
    {
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        writer.WriteInteger(certificate.SerialNumberBytes.Span);
        return writer.Encode();
    }
}
