using System.Security.Cryptography.X509Certificates;
using BuildSign.Core.Keys;

namespace BuildSign.Core.Tests.Api;

/// <summary>A real key behind a service-like front that refuses the items whose label it names, as a signing service may.</summary>
internal sealed class RefusingSigningKey(ISigningKey inner, string refusedLabel) : ISigningKey
{
    public string DisplayName => inner.DisplayName;
    public KeyProtection Protection => inner.Protection;
    public KeyAlgorithm Algorithm => inner.Algorithm;
    public int KeySizeInBits => inner.KeySizeInBits;
    public X509Certificate2 Certificate => inner.Certificate;
    public IReadOnlyList<X509Certificate2> Intermediates => inner.Intermediates;

    public async Task<IReadOnlyList<DigestSignature>> SignBatchAsync(DigestSignBatch batch, Action<int, DigestSignature>? signed, CancellationToken cancellationToken)
    {
        var results = (await inner.SignBatchAsync(batch, null, cancellationToken)).ToArray();
        for (var i = 0; i < results.Length; i++)
        {
            if (batch.Requests[i].Label == refusedLabel)
            {
                results[i] = DigestSignature.Refused("policy forbids this file");
            }
            signed?.Invoke(i, results[i]);
        }
        return results;
    }

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}

/// <summary>Opens every <c>refusing:</c> key string as the test PKI's RSA key wrapped in <see cref="RefusingSigningKey"/>.</summary>
internal sealed class RefusingKeyProvider(string pfx, string refusedLabel) : ISigningKeyProvider
{
    public string Scheme => "refusing";

    public async Task<ISigningKey> OpenAsync(string keyString, string? certificatePath, CancellationToken cancellationToken) =>
        new RefusingSigningKey(await SigningKeyProviders.CreateDefault().OpenAsync($"file:{pfx}", certificatePath, cancellationToken), refusedLabel);
}
