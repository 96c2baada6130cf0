using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto;

using BuildSign.Core;
using BuildSign.Core.Timestamping;

namespace BuildSign.DevTools.Timestamping;

/// <summary>
/// Lets BouncyCastle's CMS generator sign with a .NET key (SHA-256 with RSA PKCS#1 v1.5 or ECDSA):
/// the platform's native signing is an order of magnitude faster than BouncyCastle's managed RSA,
/// which is what bounds a TSA's throughput.
/// </summary>
internal sealed class TsaSignatureFactory : ISignatureFactory
{
    private readonly AsymmetricAlgorithm _key;

    public TsaSignatureFactory(AsymmetricAlgorithm key)
    {
        _key = key;
        AlgorithmDetails = key switch
        {
            RSA => new AlgorithmIdentifier(PkcsObjectIdentifiers.Sha256WithRsaEncryption, DerNull.Instance),
            ECDsa => new AlgorithmIdentifier(X9ObjectIdentifiers.ECDsaWithSha256),
            _ => throw new SigningException("TSA key must be RSA or ECDSA"),
        };
    }

    public object AlgorithmDetails { get; }

    public IStreamCalculator<IBlockResult> CreateCalculator() => new Calculator(_key);

    /// <summary>Collects the signed attributes' DER, then signs them in one call.</summary>
    private sealed class Calculator(AsymmetricAlgorithm key) : IStreamCalculator<IBlockResult>
    {
        // One key object serves concurrent requests; .NET does not promise that is safe.
        private static readonly Lock KeyUse = new();

        private readonly MemoryStream _data = new();

        public Stream Stream => _data;

        public IBlockResult GetResult()
        {
            var data = _data.ToArray();
            byte[] signature;
            lock (KeyUse)
            {
                signature = key switch
                {
                    RSA rsa => rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
                    ECDsa ecdsa => ecdsa.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence),
                    _ => throw new InvalidOperationException("unsupported key"),
                };
            }
            return new SimpleBlockResult(signature);
        }
    }
}
