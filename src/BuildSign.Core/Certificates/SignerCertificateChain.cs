using System.Security.Cryptography.X509Certificates;

namespace BuildSign.Core.Certificates;

/// <summary>
/// The signer's certificate and the intermediates to embed with it, picked from a set of
/// certificates (a chain file or the token's objects). Self-signed roots are dropped: a
/// verifier must already trust the root, so embedding it proves nothing.
/// </summary>
internal sealed record SignerCertificateChain(X509Certificate2 Leaf, IReadOnlyList<X509Certificate2> Intermediates)
{
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
        var rest = certificates.Where(c => !ReferenceEquals(c, leaf) && !IsSelfSigned(c) && c.Thumbprint != leaf.Thumbprint).DistinctBy(c => c.Thumbprint).ToList();
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
