using System.Security.Cryptography.X509Certificates;

namespace BuildSign.Core.Keys;

/// <summary>
/// A private key that signs digests in batches, with the certificate that names it.
/// A batch is the unit of work: an HSM signs it in one login over pooled sessions, a remote
/// service in one round trip. Each item of a batch has its own result, because a service may
/// refuse some digests of a batch and sign the others.
/// </summary>
public interface ISigningKey : IAsyncDisposable
{
    /// <summary>A description of the key for output (token and label, URL), never holding a secret.</summary>
    string DisplayName { get; }

    /// <summary>How the key is protected.</summary>
    KeyProtection Protection { get; }

    /// <summary>The key's algorithm.</summary>
    KeyAlgorithm Algorithm { get; }

    /// <summary>The key size in bits (modulus for RSA, field size for ECDSA).</summary>
    int KeySizeInBits { get; }

    /// <summary>The signer's certificate.</summary>
    X509Certificate2 Certificate { get; }

    /// <summary>Intermediate certificates to embed with the signer's, without the root.</summary>
    IReadOnlyList<X509Certificate2> Intermediates { get; }

    /// <summary>What the key can do in one call (batch size).</summary>
    SigningKeyCapabilities Capabilities => SigningKeyCapabilities.Unlimited;

    /// <summary>
    /// Signs every digest of the batch and returns one result per request, in request order: a
    /// PKCS#1 v1.5 signature for RSA, a DER-encoded SEQUENCE { r, s } for ECDSA, or the reason the
    /// item was refused. <paramref name="signed"/>, when given, hears of each result (by index) as
    /// soon as it exists, so the caller can embed finished files while the key still signs the rest.
    /// Throws <see cref="SigningException"/> when the key fails as a whole (token gone, service down).
    /// </summary>
    Task<IReadOnlyList<DigestSignature>> SignBatchAsync(DigestSignBatch batch, Action<int, DigestSignature>? signed, CancellationToken cancellationToken);
}
