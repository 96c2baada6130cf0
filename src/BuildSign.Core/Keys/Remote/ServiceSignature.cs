using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace BuildSign.Core.Keys.Remote;

/// <summary>
/// Checks a signature the signing service made with its attestation key over SHA-256 of some bytes:
/// ECDSA (DER) or RSA PKCS#1 v1.5, whichever the service certificate's key is.
/// </summary>
public static class ServiceSignature
{
    /// <summary>The algorithm name written next to such signatures.</summary>
    public static string AlgorithmName(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return certificate.GetECDsaPublicKey() is { } ec ? Dispose(ec, "ecdsa-sha256") : "rsa-pkcs1-sha256";
    }

    /// <summary>True when <paramref name="signature"/> is the certificate key's signature over SHA-256 of <paramref name="data"/>.</summary>
    public static bool Verify(X509Certificate2 certificate, ReadOnlySpan<byte> data, byte[] signature)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var digest = SHA256.HashData(data);
        using var ecdsa = certificate.GetECDsaPublicKey();
        if (ecdsa is not null)
        {
            return ecdsa.VerifyHash(digest, signature, DSASignatureFormat.Rfc3279DerSequence);
        }
        using var rsa = certificate.GetRSAPublicKey();
        return rsa is not null && rsa.VerifyHash(digest, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    private static string Dispose(IDisposable key, string name)
    {
        key.Dispose();
        return name;
    }
}
