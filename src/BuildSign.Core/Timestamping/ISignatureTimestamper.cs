namespace BuildSign.Core.Timestamping;

/// <summary>A timestamp token over a signature value, ready to go into an unsigned attribute.</summary>
/// <param name="Token">The DER of the RFC 3161 TimeStampToken (a CMS ContentInfo).</param>
/// <param name="Time">The time the authority vouched for (genTime).</param>
public sealed record SignatureTimestamp(ReadOnlyMemory<byte> Token, DateTimeOffset Time);

/// <summary>Obtains RFC 3161 timestamps for signature values; called concurrently by the pipeline.</summary>
public interface ISignatureTimestamper
{
    /// <summary>Timestamps the hash of <paramref name="signatureValue"/> computed with <paramref name="imprintAlgorithm"/>.</summary>
    Task<SignatureTimestamp> TimestampSignatureAsync(ReadOnlyMemory<byte> signatureValue, DigestAlgorithm imprintAlgorithm, CancellationToken cancellationToken);
}
