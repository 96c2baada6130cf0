using BuildSign.Core;
using BuildSign.Core.Keys.Pkcs11;

namespace BuildSign.DevTools.Tokens;

/// <summary>Writes files and folders only their owner may read (mode 0600 / 0700 on Unix).</summary>
internal static class OwnerOnlyFile
{
    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    // The mode is set at creation, so the secret is never readable by others, not even briefly.
    public static void WriteAllText(string path, string text)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        // No byte order mark: PKCS#11 tools and OpenSSL read these files as plain bytes (a PIN with
        // EF BB BF in front is a wrong PIN).
        using var writer = new StreamWriter(path, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), options);
        writer.Write(text);
    }
}
