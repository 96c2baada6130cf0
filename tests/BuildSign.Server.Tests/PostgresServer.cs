using System.Net;
using System.Net.Sockets;
using BuildSign.Testing;

namespace BuildSign.Server.Tests;

/// <summary>
/// A real PostgreSQL server (Debian's postgresql package) on 127.0.0.1 in a temp folder, run as the
/// postgres user (initdb refuses root), with trust authentication for the test role, stopped on dispose.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    private readonly string _directory;
    private readonly string _bin;

    private PostgresServer(string directory, string bin, int port)
    {
        _directory = directory;
        _bin = bin;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=buildsign;Database=buildsign;Pooling=true;Maximum Pool Size=20";

    public static PostgresServer Start()
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).OrderDescending().First(d => File.Exists(Path.Combine(d, "pg_ctl")));
        var directory = Path.Combine(Path.GetTempPath(), "buildsign-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        Check(ExternalTool.Run("chown", "postgres:postgres", directory));
        var port = FreePort();
        var server = new PostgresServer(directory, bin, port);
        Check(server.AsPostgres($"{bin}/initdb -D {directory}/data -A trust -U buildsign --no-sync -E UTF8"));
        Check(server.AsPostgres($"{bin}/pg_ctl -D {directory}/data -o \"-k {directory} -p {port} -h 127.0.0.1 -c fsync=off\" -l {directory}/log -w -t 60 start"));
        Check(ExternalTool.Run("psql", "-h", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "buildsign", "-d", "postgres", "-c", "CREATE DATABASE buildsign"));
        return server;
    }

    public void Dispose()
    {
        AsPostgres($"{_bin}/pg_ctl -D {_directory}/data -m immediate -w stop");
        Directory.Delete(_directory, recursive: true);
    }

    private ToolResult AsPostgres(string command) => ExternalTool.Run("su", "postgres", "-s", "/bin/sh", "-c", command);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Check(ToolResult result) => Assert.True(result.ExitCode == 0, result.Output);
}
