namespace BuildSign.Core.Keys;

/// <summary>The digests of one batch, with the run they belong to (for a service's audit trail).</summary>
/// <param name="Requests">The digests, in the order their results come back.</param>
/// <param name="Context">Who runs the signing and where; empty when unknown.</param>
public sealed record DigestSignBatch(IReadOnlyList<DigestSignRequest> Requests, SigningRunContext Context)
{
    /// <summary>A batch without a run context.</summary>
    public DigestSignBatch(IReadOnlyList<DigestSignRequest> requests) : this(requests, SigningRunContext.Empty) { }
}
