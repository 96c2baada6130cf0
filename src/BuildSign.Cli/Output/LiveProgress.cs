using BuildSign.Core.Api;

namespace BuildSign.Cli.Output;

/// <summary>
/// A one-line progress counter on an interactive terminal (standard error), rewritten in place.
/// Never used with <c>--json</c> or when the output is redirected: logs get the final lines only.
/// </summary>
internal sealed class LiveProgress : IProgress<SigningProgress>, IDisposable
{
    private readonly TextWriter _terminal;
    private readonly Lock _gate = new();
    private bool _drawn;

    private LiveProgress(TextWriter terminal)
    {
        _terminal = terminal;
    }

    /// <summary>A live progress line when standard error is a terminal and JSON was not asked for; null otherwise.</summary>
    public static LiveProgress? ForConsole(bool json) =>
        json || Console.IsErrorRedirected || Console.IsOutputRedirected ? null : new LiveProgress(Console.Error);

    public void Report(SigningProgress value)
    {
        if (value.Kind is SigningProgressKind.Warning or SigningProgressKind.Planned || value.Total == 0)
        {
            return;
        }
        lock (_gate)
        {
            _terminal.Write($"\r\u001b[2Ksigning: {value.Completed}/{value.Total}");
            _drawn = true;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_drawn)
            {
                _terminal.Write("\r\u001b[2K");
            }
        }
    }
}
