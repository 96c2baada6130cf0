using System.Globalization;
using System.Net;
using Octokit;
using Polly;
using Polly.Retry;

namespace BuildSign.Cli.Commands.GitHubAction.Releases;

/// <summary>
/// Retries GitHub API calls that hit a rate limit or a passing server error. GitHub's primary
/// limit answers 403/429 with <c>x-ratelimit-remaining: 0</c> and <c>x-ratelimit-reset</c> (epoch
/// seconds); its secondary limits answer with <c>retry-after</c> (seconds). The wait is what those
/// headers say, never guessed shorter; a wait longer than <see cref="LongestWait"/> fails instead.
/// </summary>
internal static class GitHubRateLimitRetry
{
    /// <summary>The longest a run waits for a limit to reset.</summary>
    public static readonly TimeSpan LongestWait = TimeSpan.FromMinutes(10);

    /// <summary>The pipeline every API call of the release-asset flow goes through.</summary>
    public static ResiliencePipeline Create(Action<string> log, TimeProvider? time = null)
    {
        var clock = time ?? TimeProvider.System;
        return new ResiliencePipelineBuilder { TimeProvider = clock }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = 5,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromSeconds(1),
                ShouldHandle = new PredicateBuilder()
                    .Handle<ApiException>(e => IsRateLimit(e) || (int)e.StatusCode >= 500)
                    .Handle<HttpRequestException>(),
                DelayGenerator = arguments => ValueTask.FromResult(arguments.Outcome.Exception is ApiException e ? WaitFor(e, clock) : null),
                OnRetry = arguments =>
                {
                    var reason = arguments.Outcome.Exception is ApiException e && IsRateLimit(e) ? "GitHub's rate limit" : "a transient failure";
                    log(string.Create(CultureInfo.InvariantCulture, $"retrying a GitHub API call in {arguments.RetryDelay.TotalSeconds:0.#} s after {reason} (attempt {arguments.AttemptNumber + 2})"));
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>True when the answer is one of GitHub's rate-limit answers.</summary>
    public static bool IsRateLimit(ApiException exception) =>
        exception is RateLimitExceededException or SecondaryRateLimitExceededException or AbuseException
        || (exception.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.TooManyRequests
            && (Header(exception, "retry-after") is not null || Header(exception, "x-ratelimit-remaining") == "0"));

    /// <summary>The wait the answer asks for; null for Polly's own backoff.</summary>
    public static TimeSpan? WaitFor(ApiException exception, TimeProvider clock)
    {
        TimeSpan? wait = null;
        if (Header(exception, "retry-after") is { } retryAfter && int.TryParse(retryAfter, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            wait = TimeSpan.FromSeconds(seconds);
        }
        else if (Header(exception, "x-ratelimit-remaining") == "0"
            && Header(exception, "x-ratelimit-reset") is { } reset
            && long.TryParse(reset, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch))
        {
            // The reset time is in whole seconds: wait until a second past it.
            var until = DateTimeOffset.FromUnixTimeSeconds(epoch) + TimeSpan.FromSeconds(1) - clock.GetUtcNow();
            wait = until > TimeSpan.Zero ? until : TimeSpan.Zero;
        }
        else if (IsRateLimit(exception))
        {
            // GitHub's advice for a secondary limit without retry-after: at least a minute.
            wait = TimeSpan.FromMinutes(1);
        }
        if (wait > LongestWait)
        {
            throw new ActionFailure("GitHub API", string.Create(CultureInfo.InvariantCulture, $"GitHub's rate limit resets in {wait.Value.TotalMinutes:0} minutes, longer than this run waits ({LongestWait.TotalMinutes:0} minutes)"), exception);
        }
        return wait;
    }

    private static string? Header(ApiException exception, string name) =>
        exception.HttpResponse?.Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
}
