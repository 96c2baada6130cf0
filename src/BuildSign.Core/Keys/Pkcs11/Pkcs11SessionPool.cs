using System.Collections.Concurrent;
using Net.Pkcs11Interop.HighLevelAPI;

namespace BuildSign.Core.Keys.Pkcs11;

/// <summary>
/// Open sessions with one token, lent to one worker at a time: a PKCS#11 session must never be
/// used by two threads at once, but separate sessions may sign in parallel.
/// </summary>
internal sealed class Pkcs11SessionPool
{
    private readonly ConcurrentBag<ISession> _idle;
    private readonly SemaphoreSlim _available;

    public Pkcs11SessionPool(IReadOnlyList<ISession> sessions)
    {
        All = sessions;
        _idle = [.. sessions];
        _available = new SemaphoreSlim(sessions.Count, sessions.Count);
    }

    public IReadOnlyList<ISession> All { get; }

    public int Count => All.Count;

    public ISession Rent(CancellationToken cancellationToken)
    {
        _available.Wait(cancellationToken);
        return _idle.TryTake(out var session) ? session : throw new InvalidOperationException("session pool out of step with its semaphore");
    }

    public void Return(ISession session)
    {
        _idle.Add(session);
        _available.Release();
    }

    /// <summary>Waits until every session is back, so none is in use when the pool closes.</summary>
    public async Task DrainAsync()
    {
        for (var i = 0; i < Count; i++)
        {
            await _available.WaitAsync().ConfigureAwait(false);
        }
    }
}
