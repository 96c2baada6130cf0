using System.Net.Sockets;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace BuildSign.Core.Timestamping;

/// <summary>The Polly pipelines one TSA URL goes through: retries around, a timeout per attempt.</summary>
internal static class TimestampRetryPipeline
{
    /// <summary>
    /// Retries transient HTTP statuses (408, 429, 5xx), network errors and attempt timeouts with
    /// jittered exponential backoff, or after the server's Retry-After (capped) when it sent one.
    /// </summary>
    public static ResiliencePipeline<TimestampHttpReply> CreateRetry(TimestampOptions options)
    {
        var builder = new ResiliencePipelineBuilder<TimestampHttpReply> { TimeProvider = options.TimeProvider };
        if (options.AttemptsPerUrl > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<TimestampHttpReply>
            {
                MaxRetryAttempts = options.AttemptsPerUrl - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                {
                    { Exception: { } e } => IsTransientFailure(e),
                    { Result: { } reply } => reply.IsTransient,
                    _ => false,
                }),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(
                    args.Outcome.Result?.RetryAfter is { } wait ? Min(wait, options.MaxRetryAfter) : null),
            });
        }
        return builder.Build();
    }

    /// <summary>Bounds one attempt, from sending the request to reading the last byte of the answer.</summary>
    public static ResiliencePipeline CreateAttemptTimeout(TimestampOptions options) =>
        new ResiliencePipelineBuilder { TimeProvider = options.TimeProvider }.AddTimeout(options.AttemptTimeout).Build();

    /// <summary>True for failures of the network or the server, as opposed to cancellation by the caller.</summary>
    public static bool IsTransientFailure(Exception exception) =>
        exception is HttpRequestException or TimeoutRejectedException or IOException or SocketException;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
