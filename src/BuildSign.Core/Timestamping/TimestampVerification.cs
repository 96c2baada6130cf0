namespace BuildSign.Core.Timestamping;

/// <summary>What <see cref="TimestampTokenVerifier"/> found in a timestamp token.</summary>
/// <param name="Time">The token's genTime, when the token could be read.</param>
/// <param name="Signer">The TSA certificate's subject, when the token carries it.</param>
/// <param name="Problems">Every problem found; empty when the timestamp is valid.</param>
public sealed record TimestampVerification(DateTimeOffset? Time, string? Signer, IReadOnlyList<string> Problems)
{
    /// <summary>True when no problem was found.</summary>
    public bool IsValid => Problems.Count == 0;
}
