using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace BuildSign.Core.Certificates;

/// <summary>
/// Checks a signer certificate before anything is signed with it: valid now, code-signing
/// extended key usage, a key usage that allows digital signatures, and a public key that matches
/// the signing key. A signature under a certificate that fails any of these is one that
/// verifiers refuse; making it would replace a good signature with a bad one.
/// </summary>
public static class SignerCertificatePreflight
{
    private const string ExtendedKeyUsageOid = "2.5.29.37";
    private const string KeyUsageOid = "2.5.29.15";

    /// <summary>Signs a digest of the given algorithm with the key whose certificate is checked.</summary>
    public delegate Task<byte[]> SignDigest(DigestAlgorithm algorithm, byte[] digest, CancellationToken cancellationToken);

    /// <summary>
    /// Throws a <see cref="SigningException"/> with one clear reason when the certificate cannot
    /// sign code now, or when a probe signature by <paramref name="signDigest"/> does not verify
    /// with the certificate's public key (the certificate belongs to another key).
    /// </summary>
    /// <param name="certificate">The signer certificate.</param>
    /// <param name="signDigest">Signs one digest with the key (one private-key operation).</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the probe signature.</param>
    public static async Task CheckAsync(X509Certificate2 certificate, SignDigest signDigest, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(signDigest);
        if (FindProblem(certificate, now) is { } problem)
        {
            throw new SigningException(problem);
        }
        var digest = RandomNumberGenerator.GetBytes(32);
        var signature = await signDigest(DigestAlgorithm.Sha256, digest, cancellationToken).ConfigureAwait(false);
        if (!ProbeVerifies(certificate, digest, signature))
        {
            throw new SigningException($"the signer certificate '{certificate.Subject}' does not belong to the signing key (its public key does not verify the key's signature)");
        }
    }

    /// <summary>What makes <paramref name="certificate"/> unfit to sign code at <paramref name="now"/>, or null.</summary>
    public static string? FindProblem(X509Certificate2 certificate, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        try
        {
            return FindProblemCore(certificate, now);
        }
        catch (CryptographicException e)
        {
            return $"the signer certificate is malformed ({e.Message})";
        }
    }

    private static string? FindProblemCore(X509Certificate2 certificate, DateTimeOffset now)
    {
        var name = $"the signer certificate '{certificate.Subject}'";
        var utcNow = now.UtcDateTime;
        if (utcNow < certificate.NotBefore.ToUniversalTime())
        {
            return $"{name} is not valid yet (valid from {certificate.NotBefore.ToUniversalTime():u})";
        }
        if (utcNow > certificate.NotAfter.ToUniversalTime())
        {
            return $"{name} expired on {certificate.NotAfter.ToUniversalTime():u}";
        }
        // CSBR 7.1.2.3: a code-signing certificate states id-kp-codeSigning; without the extension
        // some verifiers would accept it for anything, others refuse it.
        if (certificate.Extensions[ExtendedKeyUsageOid] is not { } eku)
        {
            return $"{name} has no extended key usage (code signing needs id-kp-codeSigning)";
        }
        var usages = new X509EnhancedKeyUsageExtension(eku, eku.Critical).EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value).ToList();
        if (!usages.Contains(CertificateChainValidator.CodeSigning))
        {
            return $"{name} is not for code signing (its extended key usage is {string.Join(", ", usages.Select(Describe))})";
        }
        if (certificate.Extensions[KeyUsageOid] is { } keyUsage &&
            !new X509KeyUsageExtension(keyUsage, keyUsage.Critical).KeyUsages.HasFlag(X509KeyUsageFlags.DigitalSignature))
        {
            return $"{name} does not allow digital signatures (key usage lacks digitalSignature)";
        }
        return null;
    }

    private static string Describe(string? oid) => oid switch
    {
        "1.3.6.1.5.5.7.3.1" => "serverAuth",
        "1.3.6.1.5.5.7.3.2" => "clientAuth",
        "1.3.6.1.5.5.7.3.4" => "emailProtection",
        CertificateChainValidator.TimeStamping => "timeStamping",
        _ => oid ?? "?",
    };

    private static bool ProbeVerifies(X509Certificate2 certificate, byte[] digest, byte[] signature)
    {
        try
        {
            using var rsa = certificate.GetRSAPublicKey();
            if (rsa is not null)
            {
                return rsa.VerifyHash(digest, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            }
            using var ecdsa = certificate.GetECDsaPublicKey();
            return ecdsa is not null && ecdsa.VerifyHash(digest, signature, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
