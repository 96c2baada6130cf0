using BuildSign.Core.Keys;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;

namespace BuildSign.Core.Cms;

/// <summary>The AlgorithmIdentifiers a SignerInfo names for its digest and its signature.</summary>
internal static class SignatureAlgorithmIdentifiers
{
    private const string RsaEncryption = "1.2.840.113549.1.1.1";

    /// <summary>The digest algorithm with explicit NULL parameters, as Authenticode verifiers expect.</summary>
    public static AlgorithmIdentifier Digest(DigestAlgorithm digest) =>
        new(new DerObjectIdentifier(digest.Oid()), DerNull.Instance);

    /// <summary>rsaEncryption (NULL parameters) for RSA, ecdsa-with-SHA* (no parameters) for ECDSA.</summary>
    public static AlgorithmIdentifier Signature(KeyAlgorithm key, DigestAlgorithm digest) => key switch
    {
        KeyAlgorithm.Rsa => new AlgorithmIdentifier(new DerObjectIdentifier(RsaEncryption), DerNull.Instance),
        KeyAlgorithm.Ecdsa => new AlgorithmIdentifier(new DerObjectIdentifier(digest switch
        {
            DigestAlgorithm.Sha256 => "1.2.840.10045.4.3.2",
            DigestAlgorithm.Sha384 => "1.2.840.10045.4.3.3",
            DigestAlgorithm.Sha512 => "1.2.840.10045.4.3.4",
            _ => throw new ArgumentOutOfRangeException(nameof(digest)),
        })),
        _ => throw new ArgumentOutOfRangeException(nameof(key)),
    };
}
