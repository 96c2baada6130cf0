using System.Security.Cryptography.X509Certificates;

namespace BuildSign.Core.Cms;

/// <summary>A certificate's subject key identifier, as CMS names a signer by it.</summary>
internal static class SubjectKeyIdentifier
{
    /// <summary>
    /// The value of the certificate's subjectKeyIdentifier extension, or when it has none the
    /// SHA-1 of its public key (RFC 5280 4.2.1.2, method 1), as .NET's and NuGet's signers compute it.
    /// </summary>
    public static byte[] Of(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var extension = certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().FirstOrDefault()
            ?? new X509SubjectKeyIdentifierExtension(certificate.PublicKey, X509SubjectKeyIdentifierHashAlgorithm.Sha1, critical: false);
        return extension.SubjectKeyIdentifierBytes.ToArray();
    }
}
