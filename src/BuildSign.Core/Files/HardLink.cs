using System.Runtime.InteropServices;

namespace BuildSign.Core.Files;

/// <summary>A second name for an existing file, so that a file about to be replaced can be kept without copying it.</summary>
internal static class HardLink
{
    /// <summary>Makes <paramref name="newPath"/> name the same file as <paramref name="existing"/>, or copies it where links are not possible.</summary>
    public static void CreateOrCopy(string existing, string newPath)
    {
        var linked = OperatingSystem.IsWindows()
            ? CreateHardLinkW(newPath, existing, IntPtr.Zero)
            : OperatingSystem.IsLinux() && link(Utf8z(existing), Utf8z(newPath)) == 0;
        if (!linked)
        {
            File.Copy(existing, newPath);
        }
    }

    private static byte[] Utf8z(string text) => System.Text.Encoding.UTF8.GetBytes(text + "\0");

#pragma warning disable SYSLIB1054, CA5392 // LibraryImport would need unsafe code enabled for the whole library.
    [DllImport("libc.so.6", ExactSpelling = true)]
    private static extern int link(byte[] existing, byte[] newPath);

    [DllImport("kernel32.dll", ExactSpelling = true, CharSet = CharSet.Unicode)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static extern bool CreateHardLinkW(string newPath, string existing, IntPtr securityAttributes);
#pragma warning restore SYSLIB1054, CA5392
}
