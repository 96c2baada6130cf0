namespace BuildSign.Core.Keys;

/// <summary>What a key can do in one call.</summary>
/// <param name="MaxBatchSize">The most digests one <see cref="ISigningKey.SignBatchAsync"/> call may carry; null when unbounded.</param>
public sealed record SigningKeyCapabilities(int? MaxBatchSize)
{
    /// <summary>A key that takes batches of any size (a local HSM session pool, a software key).</summary>
    public static SigningKeyCapabilities Unlimited { get; } = new((int?)null);
}
