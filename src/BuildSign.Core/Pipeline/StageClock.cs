using System.Diagnostics;

namespace BuildSign.Core.Pipeline;

/// <summary>Adds up the wall time of each pipeline stage across rounds, so a run can say where its time went.</summary>
internal sealed class StageClock
{
    private readonly Dictionary<string, TimeSpan> _totals = [];

    public IReadOnlyDictionary<string, TimeSpan> Totals => _totals;

    public async Task TimeAsync(string stage, Func<Task> work)
    {
        var started = Stopwatch.GetTimestamp();
        await work().ConfigureAwait(false);
        _totals[stage] = _totals.GetValueOrDefault(stage) + Stopwatch.GetElapsedTime(started);
    }
}
