using System.Security.Cryptography.X509Certificates;

namespace BuildSign.Core.Keys;

/// <summary>
/// A private key that signs digests in batches, with the certificate that names it.
/// A batch is the unit of work: an HSM signs it in one login over pooled sessions, a remote
/// service in one round trip.
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

    /// <summary>
    /// Signs every digest and returns the signatures in the same order: PKCS#1 v1.5 for RSA,
    /// DER-encoded SEQUENCE { r, s } for ECDSA, ready to go into a CMS SignerInfo.
    /// </summary>
    Task<IReadOnlyList<byte[]>> SignDigestsAsync(IReadOnlyList<DigestSignRequest> requests, CancellationToken cancellationToken);

    /// <summary>
    /// Signs the batch like <see cref="SignDigestsAsync(IReadOnlyList{DigestSignRequest}, CancellationToken)"/>,
    /// and also reports each signature (by its index in <paramref name="requests"/>) as soon as it
    /// exists, so the caller can embed finished files while the key still signs the rest. Still one
    /// batch: one login, one round trip. The default reports them all when the batch is done.
    /// </summary>
    async Task<IReadOnlyList<byte[]>> SignDigestsAsync(IReadOnlyList<DigestSignRequest> requests, Action<int, byte[]> signed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signed);
        var signatures = await SignDigestsAsync(requests, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < signatures.Count; i++)
        {
            signed(i, signatures[i]);
        }
        return signatures;
    }
}
