namespace BuildSign.Core.Keys;

/// <summary>Signing for callers that need every item of a batch signed, or none.</summary>
public static class AllOrNothingSigning
{
    /// <summary>
    /// Signs the digests in one batch and returns the signatures in request order, or throws
    /// <see cref="SigningException"/> with the first refused item's reason.
    /// </summary>
    public static async Task<IReadOnlyList<byte[]>> SignDigestsAsync(this ISigningKey key, IReadOnlyList<DigestSignRequest> requests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var results = await key.SignBatchAsync(new DigestSignBatch(requests), null, cancellationToken).ConfigureAwait(false);
        return [.. results.Select(r => r.Value ?? throw new SigningException(r.Error ?? "the key refused to sign"))];
    }
}
