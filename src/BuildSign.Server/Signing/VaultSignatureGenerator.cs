using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BuildSign.Core;
using BuildSign.Core.Keys;
using BuildSign.Core.Keys.Pkcs11.Vault;

namespace BuildSign.Server.Signing;

/// <summary>
/// Signs certificates and CSRs with a key in the service's token: .NET builds the to-be-signed bytes,
/// the token signs their hash. Algorithm identifiers and the public key come from the public half.
/// </summary>
internal sealed class VaultSignatureGenerator : X509SignatureGenerator
{
    private readonly Pkcs11KeyVault _vault;
    private readonly byte[] _keyId;
    private readonly KeyAlgorithm _algorithm;
    private readonly X509SignatureGenerator _publicHalf;
    private readonly AsymmetricAlgorithm _publicKey;

    public VaultSignatureGenerator(Pkcs11KeyVault vault, byte[] keyId, byte[] subjectPublicKeyInfo)
    {
        _vault = vault;
        _keyId = keyId;
        var publicKey = PublicKey.CreateFromSubjectPublicKeyInfo(subjectPublicKeyInfo, out _);
        if (publicKey.GetRSAPublicKey() is { } rsa)
        {
            _algorithm = KeyAlgorithm.Rsa;
            _publicKey = rsa;
            _publicHalf = CreateForRSA(rsa, RSASignaturePadding.Pkcs1);
        }
        else
        {
            var ecdsa = publicKey.GetECDsaPublicKey() ?? throw new CryptographicException("neither an RSA nor an EC public key");
            _algorithm = KeyAlgorithm.Ecdsa;
            _publicKey = ecdsa;
            _publicHalf = CreateForECDsa(ecdsa);
        }
    }

    public override byte[] GetSignatureAlgorithmIdentifier(HashAlgorithmName hashAlgorithm) => _publicHalf.GetSignatureAlgorithmIdentifier(hashAlgorithm);

    public override byte[] SignData(byte[] data, HashAlgorithmName hashAlgorithm)
    {
        var digestAlgorithm = hashAlgorithm.Name switch
        {
            "SHA256" => DigestAlgorithm.Sha256,
            "SHA384" => DigestAlgorithm.Sha384,
            "SHA512" => DigestAlgorithm.Sha512,
            _ => throw new CryptographicException($"unsupported hash {hashAlgorithm.Name}"),
        };
        var digest = CryptographicOperations.HashData(hashAlgorithm, data);
        return _vault.Sign(_keyId, _algorithm, digestAlgorithm, digest);
    }

    protected override PublicKey BuildPublicKey() => _publicHalf.PublicKey;

    public void DisposePublicKey() => _publicKey.Dispose();
}
