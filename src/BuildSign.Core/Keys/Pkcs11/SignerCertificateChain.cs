using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace BuildSign.Core.Keys.Pkcs11;

/// <summary>
/// The signer's certificate and the intermediates to embed with it, picked from a set of
/// certificates (a chain file or the token's objects). Self-signed roots are dropped: a
/// verifier must already trust the root, so embedding it proves nothing.
/// </summary>
internal sealed record SignerCertificateChain(X509Certificate2 Leaf, IReadOnlyList<X509Certificate2> Intermediates)
{
    /// <summary>Reads every certificate of a PEM file (a chain is allowed) or of a DER file.</summary>
    public static IReadOnlyList<X509Certificate2> ReadFile(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SigningException(path, "the certificate file could not be read", ex);
        }
        try
        {
            var text = System.Text.Encoding.ASCII.GetString(bytes);
            if (text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
            {
                var collection = new X509Certificate2Collection();
                collection.ImportFromPem(text);
                return [.. collection];
            }
            return [X509CertificateLoader.LoadCertificate(bytes)];
        }
        catch (CryptographicException ex)
        {
            throw new SigningException(path, "not a PEM or DER X.509 certificate file", ex);
        }
    }

    /// <summary>
    /// Picks the leaf as the certificate whose public key <paramref name="matchesKey"/> accepts, and
    /// the intermediates as the other certificates that are not self-signed, leaf's issuer first.
    /// With <paramref name="issuersOnly"/>, certificates that are not on the leaf's issuer path are
    /// left out (a token holds other signers' certificates too). Returns null when none matches the key.
    /// </summary>
    public static SignerCertificateChain? Select(IReadOnlyList<X509Certificate2> certificates, Func<X509Certificate2, bool> matchesKey, bool issuersOnly)
    {
        var leaf = certificates.FirstOrDefault(matchesKey);
        if (leaf is null)
        {
            return null;
        }
        var rest = certificates.Where(c => !ReferenceEquals(c, leaf) && !IsSelfSigned(c) && c.Thumbprint != leaf.Thumbprint).ToList();
        var ordered = new List<X509Certificate2>();
        // Walk up by issuer name so intermediates come in chain order; anything left keeps file order.
        var current = leaf;
        while (rest.FirstOrDefault(c => c.SubjectName.RawData.AsSpan().SequenceEqual(current.IssuerName.RawData)) is { } issuer)
        {
            ordered.Add(issuer);
            rest.Remove(issuer);
            current = issuer;
        }
        if (!issuersOnly)
        {
            ordered.AddRange(rest);
        }
        return new SignerCertificateChain(leaf, ordered);
    }

    private static bool IsSelfSigned(X509Certificate2 certificate) =>
        certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData);
}
