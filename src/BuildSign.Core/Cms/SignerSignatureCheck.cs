using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace BuildSign.Core.Cms;

/// <summary>
/// The checks of a SignerInfo's own signature that do not depend on what was signed: the digest
/// algorithm is one BuildSign accepts and the SignedData lists it, the signature algorithm is
/// known and fits both the signer's key and the digest, and the signature value verifies over the
/// signed attributes. Shared by signature and timestamp-token verification, so neither accepts an
/// identifier the other would refuse.
/// </summary>
internal static class SignerSignatureCheck
{
    private const string RsaEncryption = "1.2.840.113549.1.1.1";
    private const string EcPublicKey = "1.2.840.10045.2.1";

    /// <summary>Returns null when the signature is sound, else the reason.</summary>
    public static string? FindProblem(X509Certificate2 signer, CmsSignature cms)
    {
        if (DigestAlgorithms.FromOid(cms.DigestAlgorithmOid) is not { } digest)
        {
            return $"unsupported digest algorithm {cms.DigestAlgorithmOid}";
        }
        if (cms.DigestAlgorithmOids.FirstOrDefault(oid => DigestAlgorithms.FromOid(oid) is null) is { } unknown)
        {
            return $"the SignedData lists an unsupported digest algorithm {unknown}";
        }
        if (!cms.DigestAlgorithmOids.Contains(cms.DigestAlgorithmOid))
        {
            return "the SignedData does not list the signer's digest algorithm";
        }
        if (cms.SignedAttributesDer.IsEmpty)
        {
            return "the signature has no signed attributes";
        }
        var keyAlgorithm = signer.PublicKey.Oid.Value;
        if (!SignatureAlgorithmFits(cms.SignatureAlgorithmOid, keyAlgorithm, digest))
        {
            return $"signature algorithm {cms.SignatureAlgorithmOid} does not fit a {(keyAlgorithm == RsaEncryption ? "RSA" : keyAlgorithm == EcPublicKey ? "ECDSA" : keyAlgorithm)} key with {digest.DisplayName()}";
        }
        return SignatureVerifies(signer, cms, digest) ? null : "the signature does not match the signer certificate's key";
    }

    // rsaEncryption and id-ecPublicKey name only the key type; the *With* forms also name the hash,
    // which must then be the signer's digest algorithm.
    private static bool SignatureAlgorithmFits(string signatureAlgorithm, string? keyAlgorithm, DigestAlgorithm digest) => keyAlgorithm switch
    {
        RsaEncryption => signatureAlgorithm == RsaEncryption || signatureAlgorithm == digest switch
        {
            DigestAlgorithm.Sha256 => "1.2.840.113549.1.1.11",
            DigestAlgorithm.Sha384 => "1.2.840.113549.1.1.12",
            _ => "1.2.840.113549.1.1.13",
        },
        EcPublicKey => signatureAlgorithm == EcPublicKey || signatureAlgorithm == digest switch
        {
            DigestAlgorithm.Sha256 => "1.2.840.10045.4.3.2",
            DigestAlgorithm.Sha384 => "1.2.840.10045.4.3.3",
            _ => "1.2.840.10045.4.3.4",
        },
        _ => false,
    };

    private static bool SignatureVerifies(X509Certificate2 signer, CmsSignature cms, DigestAlgorithm digest)
    {
        var hash = digest.Hash(cms.SignedAttributesDer.Span);
        try
        {
            using var rsa = signer.GetRSAPublicKey();
            if (rsa is not null)
            {
                return rsa.VerifyHash(hash, cms.SignatureValue.Span, digest.ToHashAlgorithmName(), RSASignaturePadding.Pkcs1);
            }
            using var ecdsa = signer.GetECDsaPublicKey();
            return ecdsa is not null && ecdsa.VerifyHash(hash, cms.SignatureValue.Span, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
