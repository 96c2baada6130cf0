using System.Collections.Concurrent;

namespace BuildSign.Server.Identity;

/// <summary>
/// Counts failed authentications per client address in one-minute windows; past the limit the address
/// gets 429 until the window ends, whatever it sends.
/// </summary>
public sealed class FailedAuthenticationLimiter(int perMinute, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    /// <summary>Whether the address has used up its failures for this minute.</summary>
    public bool IsBlocked(string address) =>
        _windows.TryGetValue(address, out var window) && window.Start + TimeSpan.FromMinutes(1) > time.GetUtcNow() && window.Count >= perMinute;

    /// <summary>Counts one failure.</summary>
    public void Fail(string address)
    {
        var now = time.GetUtcNow();
        _windows.AddOrUpdate(address, _ => new Window(now, 1), (_, w) => w.Start + TimeSpan.FromMinutes(1) <= now ? new Window(now, 1) : w with { Count = w.Count + 1 });
    }

    private sealed record Window(DateTimeOffset Start, int Count);
}
