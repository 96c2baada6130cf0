using System.Collections.Concurrent;
using BuildSign.Core.Api;

namespace BuildSign.MSBuild;

/// <summary>
/// Carries progress events from the signer's worker threads to the task's own thread: MSBuild's
/// logging (and, in a task host, its pipe back to the build) is used from the thread that runs
/// Execute, so events are queued here and logged there as they arrive.
/// </summary>
internal sealed class ProgressQueue : IProgress<SigningProgress>, IDisposable
{
    private readonly BlockingCollection<SigningProgress> _events = [];

    public void Report(SigningProgress value)
    {
        try
        {
            _events.Add(value);
        }
        catch (InvalidOperationException)
        {
            // A late event after the run ended: the result already says everything it would.
        }
    }

    /// <summary>No more events will come (the run finished).</summary>
    public void Complete() => _events.CompleteAdding();

    /// <summary>The events in order, blocking until each arrives, ending after <see cref="Complete"/>.</summary>
    public IEnumerable<SigningProgress> Drain() => _events.GetConsumingEnumerable();

    public void Dispose() => _events.Dispose();
}
