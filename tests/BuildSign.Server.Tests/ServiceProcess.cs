using System.Diagnostics;
using System.Text;

namespace BuildSign.Server.Tests;

/// <summary>
/// A real <c>buildsign-server run</c> process on 127.0.0.1 with a port chosen by the system; its
/// output is kept so tests can check that it never shows a secret.
/// </summary>
public sealed class ServiceProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<string> _url = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServiceProcess(Process process)
    {
        _process = process;
    }

    /// <summary>The service's base URL, e.g. https://127.0.0.1:41234.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Everything the process wrote so far.</summary>
    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    public bool HasExited => _process.HasExited;

    public int Id => _process.Id;

    /// <summary>The path of the built buildsign-server.dll next to the tests.</summary>
    public static string ServerDll => Path.Combine(AppContext.BaseDirectory, "buildsign-server.dll");

    /// <summary>Starts the service and waits (bounded) until it listens.</summary>
    public static async Task<ServiceProcess> StartAsync(string dataDirectory, IDictionary<string, string?>? environment = null, string urls = "https://127.0.0.1:0", params string[] extra)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])[ServerDll, "run", "--data", dataDirectory, "--urls", urls, .. extra])
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) start.Environment.Remove(name); else start.Environment[name] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("buildsign-server did not start");
        var service = new ServiceProcess(process);
        process.OutputDataReceived += (_, e) => service.Receive(e.Data);
        process.ErrorDataReceived += (_, e) => service.Receive(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(service._url.Task, exited, Task.Delay(TimeSpan.FromSeconds(60)));
        if (first != service._url.Task)
        {
            service.Dispose();
            throw new InvalidOperationException($"buildsign-server did not start listening: {service.Output}");
        }
        service.Url = new Uri(await service._url.Task);
        return service;
    }

    /// <summary>Stops with SIGTERM (graceful) and waits.</summary>
    public void Stop()
    {
        if (_process.HasExited) return;
        Signal(15);
        if (!_process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.WaitForExit();
    }

    /// <summary>Kills with SIGKILL, as a crash or an OOM killer would.</summary>
    public void KillHard()
    {
        if (_process.HasExited) return;
        Signal(9);
        _process.WaitForExit(TimeSpan.FromSeconds(30));
    }

    public void Dispose()
    {
        try
        {
            Stop();
        }
        catch (InvalidOperationException)
        {
            // never started
        }
        _process.Dispose();
    }

    private void Signal(int signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    private void Receive(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
        const string prefix = "listening on ";
        if (line.StartsWith(prefix, StringComparison.Ordinal))
        {
            _url.TrySetResult(line[prefix.Length..].Trim());
        }
    }
}
