using System.Runtime.InteropServices;

namespace BuildSign.Core.Keys.Pkcs11;

/// <summary>
/// Sets a variable in the process's native environment. On Linux, .NET keeps its own copy of the
/// environment, so <see cref="Environment.SetEnvironmentVariable(string, string)"/> never reaches
/// C's getenv; SoftHSM2 reads SOFTHSM2_CONF with getenv when the module initializes. Used only
/// to point SoftHSM2 at a configuration named by a key (<c>softhsm2-conf</c>) or the dev token.
/// </summary>
internal static class NativeEnvironment
{
    /// <summary>Sets the variable for both native code and .NET.</summary>
    public static void Set(string name, string value)
    {
        if (OperatingSystem.IsLinux() && SetEnv(name, value, 1) != 0)
        {
            throw new SigningException($"could not set the environment variable {name} for the PKCS#11 module");
        }
        Environment.SetEnvironmentVariable(name, value);
    }

    /// <summary>Reads the variable as native code sees it.</summary>
    public static string? Get(string name) =>
        !OperatingSystem.IsLinux() ? Environment.GetEnvironmentVariable(name) : Marshal.PtrToStringUTF8(GetEnv(name));

    // byte[] arguments (NUL-terminated UTF-8) keep the import free of unsafe code and string marshalling.
    private static int SetEnv(string name, string value, int overwrite) => setenv(Utf8z(name), Utf8z(value), overwrite);

    private static IntPtr GetEnv(string name) => getenv(Utf8z(name));

    private static byte[] Utf8z(string text) => System.Text.Encoding.UTF8.GetBytes(text + "\0");

#pragma warning disable SYSLIB1054, CA5392 // LibraryImport would need unsafe code enabled for the whole library.
    [DllImport("libc.so.6", ExactSpelling = true)]
    private static extern int setenv(byte[] name, byte[] value, int overwrite);

    [DllImport("libc.so.6", ExactSpelling = true)]
    private static extern IntPtr getenv(byte[] name);
#pragma warning restore SYSLIB1054, CA5392
}
