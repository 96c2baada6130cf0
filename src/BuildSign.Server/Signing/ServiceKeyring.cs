using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using BuildSign.Core;
using BuildSign.Core.Keys;
using BuildSign.Core.Keys.Pkcs11.Vault;
using BuildSign.Core.Keys.Remote;
using BuildSign.Core.Keys.Remote.Attestation;

namespace BuildSign.Server.Signing;

/// <summary>
/// The service's token: generates subscribers' keys inside it, with a CSR signed by the new key and an
/// attestation signed by the service's attestation key; signs digests; signs audit exports.
/// </summary>
public sealed class ServiceKeyring : IDisposable
{
    /// <summary>CKA_ID of the service's attestation key.</summary>
    public static readonly byte[] AttestationKeyId = "buildsign-attestation"u8.ToArray();

    private readonly Pkcs11KeyVault _vault;

    /// <summary>Opens the keyring over an open token and the attestation key's certificate.</summary>
    public ServiceKeyring(Pkcs11KeyVault vault, X509Certificate2 attestationCertificate)
    {
        ArgumentNullException.ThrowIfNull(attestationCertificate);
        _vault = vault;
        AttestationCertificate = attestationCertificate;
    }

    /// <summary>The certificate of the attestation key: what verifiers of attestations and audit exports trust.</summary>
    public X509Certificate2 AttestationCertificate { get; }

    /// <summary>The token holding the keys.</summary>
    public Pkcs11KeyVault Vault => _vault;

    /// <summary>Generates the service's attestation key (ECDSA P-256) and its self-signed certificate.</summary>
    public static X509Certificate2 CreateAttestationKey(Pkcs11KeyVault vault, string label)
    {
        ArgumentNullException.ThrowIfNull(vault);
        var spki = vault.GenerateKeyPair(VaultKeyType.EcdsaP256, AttestationKeyId, label);
        var generator = new VaultSignatureGenerator(vault, AttestationKeyId, spki);
        var subject = new X500DistinguishedName("CN=BuildSign Signing Service Attestation, O=BuildSign");
        var request = new CertificateRequest(subject, generator.PublicKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        var certificate = request.Create(subject, generator, now.AddMinutes(-5), now.AddYears(10), serial);
        generator.DisposePublicKey();
        return certificate;
    }

    /// <summary>A key generated for a subscriber: the HSM id, public key, CSR and attestation.</summary>
    public sealed record GeneratedKey(string Pkcs11Id, byte[] PublicKey, string CsrPem, string AttestationJson);

    /// <summary>Generates a key in the token for a subscriber, with its CSR and attestation.</summary>
    public GeneratedKey Generate(VaultKeyType type, string keyId, string keyName, string subscriberId, string subscriberName)
    {
        var id = RandomNumberGenerator.GetBytes(16);
        var spki = _vault.GenerateKeyPair(type, id, $"{subscriberId}/{keyId}");
        var generator = new VaultSignatureGenerator(_vault, id, spki);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={Escape(keyName)}, O={Escape(subscriberName)}"), generator.PublicKey, HashAlgorithmName.SHA256);
        var csr = request.CreateSigningRequestPem(generator);
        generator.DisposePublicKey();

        var attributes = _vault.ReadAttributes(id);
        var token = _vault.Identity;
        var statement = new KeyAttestationStatement(KeyAttestationStatement.CurrentFormat, keyId, keyName, subscriberId, type.Name(), Convert.ToBase64String(spki),
            new AttestedKeyAttributes(attributes.Token, attributes.Private, attributes.Sensitive, attributes.Extractable, attributes.Local, attributes.NeverExtractable, attributes.AlwaysSensitive),
            new AttestedToken(token.Label, token.Manufacturer, token.Model, token.SerialNumber), DateTimeOffset.UtcNow);
        var statementBytes = JsonSerializer.SerializeToUtf8Bytes(statement);
        var signed = new SignedKeyAttestation(Convert.ToBase64String(statementBytes), ServiceSignature.AlgorithmName(AttestationCertificate), Convert.ToBase64String(SignWithAttestationKey(statementBytes)));
        return new GeneratedKey(Convert.ToHexStringLower(id), spki, csr, JsonSerializer.Serialize(signed, new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Signs SHA-256 of <paramref name="data"/> with the attestation key (DER ECDSA).</summary>
    public byte[] SignWithAttestationKey(ReadOnlySpan<byte> data) =>
        _vault.Sign(AttestationKeyId, KeyAlgorithm.Ecdsa, DigestAlgorithm.Sha256, SHA256.HashData(data));

    /// <summary>Signs a batch of digests with a subscriber's key.</summary>
    public Task<byte[][]> SignAsync(string pkcs11Id, KeyAlgorithm algorithm, IReadOnlyList<(DigestAlgorithm, byte[])> items, CancellationToken cancellationToken) =>
        _vault.SignBatchAsync(Convert.FromHexString(pkcs11Id), algorithm, items, cancellationToken);

    /// <summary>Closes the token.</summary>
    public void Dispose()
    {
        _vault.Dispose();
        AttestationCertificate.Dispose();
    }

    // Distinguished-name values with separators or quotes are quoted; a name is never a way to add RDNs.
    private static string Escape(string value) =>
        value.IndexOfAny([',', '+', '=', '"', '\\', '<', '>', ';', '#']) >= 0 || value != value.Trim()
            ? "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\""
            : value;
}
