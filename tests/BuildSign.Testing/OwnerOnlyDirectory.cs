namespace BuildSign.Testing;

/// <summary>Creates folders only their owner can enter (0700): test keys and trust stores live in them.</summary>
public static class OwnerOnlyDirectory
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates <paramref name="path"/> as 0700 (or tightens it to 0700 when it exists).</summary>
    public static string Create(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return path;
        }
        Directory.CreateDirectory(path, OwnerOnly);
        File.SetUnixFileMode(path, OwnerOnly);
        return path;
    }

    /// <summary>True when a folder named after process <paramref name="processId"/> belongs to a process that is gone.</summary>
    public static bool OwnerProcessIsGone(int processId)
    {
        if (processId == Environment.ProcessId)
        {
            return false;
        }
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(processId);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    /// <summary>Removes folders <c>PREFIX-PID…</c> under the temp folder whose process has gone (a killed test run's leftovers).</summary>
    public static void RemoveStale(string prefix)
    {
        foreach (var directory in Directory.EnumerateDirectories(Path.GetTempPath(), prefix + "-*"))
        {
            var rest = Path.GetFileName(directory)[(prefix.Length + 1)..];
            var digits = new string(rest.TakeWhile(char.IsAsciiDigit).ToArray());
            if (int.TryParse(digits, out var pid) && OwnerProcessIsGone(pid))
            {
                try { Directory.Delete(directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }
    }
}
