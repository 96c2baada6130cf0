namespace BuildSign.Core.Timestamping;

/// <summary>
/// The outcome of one request to one TSA that got an HTTP answer: a checked timestamp, or why
/// this attempt failed. Network failures and timeouts are exceptions instead.
/// </summary>
/// <param name="Result">The checked timestamp; null when the attempt failed.</param>
/// <param name="Failure">Why the attempt failed, one line; null when it succeeded.</param>
/// <param name="Retryable">True when another attempt at the same TSA may succeed.</param>
/// <param name="RetryAfter">The wait the server asked for, when it sent Retry-After.</param>
internal sealed record TimestampAttempt(TimestampResult? Result, string? Failure, bool Retryable, TimeSpan? RetryAfter)
{
    public static TimestampAttempt Succeeded(TimestampResult result) => new(result, null, false, null);

    public static TimestampAttempt Failed(string reason, bool retryable, TimeSpan? retryAfter = null) => new(null, reason, retryable, retryAfter);
}
