using System.Security.Cryptography.X509Certificates;
using BuildSign.Core.Keys;

namespace BuildSign.Core.Tests.Formats.Containers;

/// <summary>A real key that counts its batches and the digests in them.</summary>
internal sealed class CountingSigningKey(ISigningKey inner) : ISigningKey
{
    private readonly List<int> _batches = [];

    /// <summary>The number of digests in each batch, in order.</summary>
    public IReadOnlyList<int> Batches => _batches;

    public IReadOnlyList<string> Labels { get; private set; } = [];

    public string DisplayName => inner.DisplayName;
    public KeyProtection Protection => inner.Protection;
    public KeyAlgorithm Algorithm => inner.Algorithm;
    public int KeySizeInBits => inner.KeySizeInBits;
    public X509Certificate2 Certificate => inner.Certificate;
    public IReadOnlyList<X509Certificate2> Intermediates => inner.Intermediates;

    public Task<IReadOnlyList<DigestSignature>> SignBatchAsync(DigestSignBatch batch, Action<int, DigestSignature>? signed, CancellationToken cancellationToken)
    {
        lock (_batches)
        {
            _batches.Add(batch.Requests.Count);
            Labels = [.. Labels, .. batch.Requests.Select(r => r.Label)];
        }
        return inner.SignBatchAsync(batch, signed, cancellationToken);
    }

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
