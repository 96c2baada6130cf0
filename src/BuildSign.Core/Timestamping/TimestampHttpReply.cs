using System.Net;

namespace BuildSign.Core.Timestamping;

/// <summary>One HTTP answer from a TSA, read completely so the connection can go back to the pool.</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="RetryAfter">The wait the server asked for, when it sent Retry-After.</param>
/// <param name="Body">The body of a successful answer; empty otherwise.</param>
internal sealed record TimestampHttpReply(HttpStatusCode Status, TimeSpan? RetryAfter, byte[] Body)
{
    /// <summary>True for 2xx.</summary>
    public bool IsSuccess => (int)Status is >= 200 and < 300;

    /// <summary>True for statuses worth another try: request timeout, too many requests, server errors.</summary>
    public bool IsTransient => Status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)Status >= 500;

    /// <summary>A short description for error messages.</summary>
    public string Describe() => $"HTTP {(int)Status} {Status}";
}
