using System.Collections.Concurrent;
using BuildSign.Core.Api;

namespace BuildSign.Core.Tests.Api;

/// <summary>Keeps every progress event, as a shell's observer would see them.</summary>
internal sealed class RecordingProgress : IProgress<SigningProgress>
{
    private readonly ConcurrentQueue<SigningProgress> _events = new();

    public IReadOnlyList<SigningProgress> Events => [.. _events];

    public void Report(SigningProgress value) => _events.Enqueue(value);
}
