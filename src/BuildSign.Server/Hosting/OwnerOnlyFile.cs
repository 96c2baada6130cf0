namespace BuildSign.Server.Hosting;

/// <summary>Creates files and folders only their owner may read (0600 / 0700 on Unix), with the mode set at creation.</summary>
internal static class OwnerOnlyFile
{
    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>Options for a new file that only its owner may read.</summary>
    public static FileStreamOptions NewFile()
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        return options;
    }

    public static void WriteAllText(string path, string text)
    {
        using var writer = new StreamWriter(path, new System.Text.UTF8Encoding(false), NewFile());
        writer.Write(text);
    }
}
