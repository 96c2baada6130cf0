using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace BuildSign.Core.Keys.Remote.Attestation;

/// <summary>
/// Checks a key attestation against the CSR it came with and the service's attestation certificate:
/// the service's signature over the statement, the CSR's own signature, that both name the same public
/// key, and that the token said the key was generated inside it and can never leave it.
/// </summary>
public static class KeyAttestationVerifier
{
    /// <summary>Returns the statement when every check passes; otherwise throws <see cref="SigningException"/> naming the first failed check.</summary>
    public static KeyAttestationStatement Verify(string csrPem, string attestationJson, X509Certificate2 serviceCertificate)
    {
        ArgumentNullException.ThrowIfNull(serviceCertificate);
        SignedKeyAttestation document;
        byte[] statementBytes;
        KeyAttestationStatement statement;
        try
        {
            document = JsonSerializer.Deserialize<SignedKeyAttestation>(attestationJson) ?? throw new JsonException("empty");
            statementBytes = Convert.FromBase64String(document.Statement);
            statement = JsonSerializer.Deserialize<KeyAttestationStatement>(statementBytes) ?? throw new JsonException("empty");
        }
        catch (Exception ex) when (ex is JsonException or FormatException or ArgumentNullException)
        {
            throw new SigningException("the attestation is not a BuildSign key attestation (malformed JSON or base64)");
        }
        if (statement.Format != KeyAttestationStatement.CurrentFormat)
        {
            throw new SigningException($"the attestation has format '{statement.Format}', not {KeyAttestationStatement.CurrentFormat}");
        }
        byte[] signature;
        try
        {
            signature = Convert.FromBase64String(document.Signature ?? "");
        }
        catch (FormatException)
        {
            throw new SigningException("the attestation's signature is not base64");
        }
        if (!ServiceSignature.Verify(serviceCertificate, statementBytes, signature))
        {
            throw new SigningException("the attestation's signature does not verify with the service certificate");
        }

        CertificateRequest request;
        try
        {
            request = CertificateRequest.LoadSigningRequestPem(csrPem, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.Default);
        }
        catch (CryptographicException)
        {
            throw new SigningException("the CSR is not a PEM certificate request, or its signature does not verify with its own public key");
        }
        var csrKey = Convert.ToBase64String(request.PublicKey.ExportSubjectPublicKeyInfo());
        if (!string.Equals(csrKey, statement.PublicKey, StringComparison.Ordinal))
        {
            throw new SigningException("the CSR's public key is not the attested key");
        }
        var a = statement.Attributes;
        var problems = new List<string>();
        if (!a.Local) problems.Add("not generated in the token (CKA_LOCAL false)");
        if (!a.NeverExtractable) problems.Add("was extractable at some time (CKA_NEVER_EXTRACTABLE false)");
        if (!a.AlwaysSensitive) problems.Add("was not always sensitive (CKA_ALWAYS_SENSITIVE false)");
        if (a.Extractable) problems.Add("is extractable");
        if (!a.Sensitive) problems.Add("is not sensitive");
        if (!a.Token) problems.Add("is not a token object");
        if (problems.Count > 0)
        {
            throw new SigningException("the attested key " + string.Join(", ", problems));
        }
        return statement;
    }
}
