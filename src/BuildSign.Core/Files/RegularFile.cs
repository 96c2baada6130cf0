using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace BuildSign.Core.Files;

/// <summary>
/// Opens a file for reading only if it is a regular file, judged on the opened handle itself, so a
/// file swapped for a FIFO between a check and the open cannot block the run: on Linux the open is
/// non-blocking (a FIFO without a writer opens at once) and the kind is read from the handle.
/// </summary>
public static class RegularFile
{
    private const int ReadOnly = 0;
    private const int NonBlocking = 0x800;       // O_NONBLOCK on x86-64 and arm64 Linux
    private const int CloseOnExec = 0x80000;     // O_CLOEXEC on x86-64 and arm64 Linux
    private const int FileTypeMask = 0xF000;
    private const int RegularType = 0x8000;

    /// <summary>Opens <paramref name="path"/> for reading; throws <see cref="IOException"/> when it is not a regular file.</summary>
    public static FileStream OpenRead(string path, int bufferSize = 4096, FileOptions options = FileOptions.None)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!OperatingSystem.IsLinux())
        {
            if (FileKinds.Of(path) is var kind && kind is not (FileKind.Regular or FileKind.Missing))
            {
                throw NotRegular(path, kind);
            }
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize, options);
        }
        var fd = open(System.Text.Encoding.UTF8.GetBytes(path + "\0"), ReadOnly | NonBlocking | CloseOnExec);
        if (fd < 0)
        {
            // The ordinary open reports why (missing, denied) in .NET's own words; it cannot block on
            // a FIFO here, since the non-blocking open of one succeeds.
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize, options);
        }
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        var status = new byte[256];
        if (SystemNative_FStat(handle, status) != 0 || (BitConverter.ToInt32(status, 4) & FileTypeMask) != RegularType)
        {
            handle.Dispose();
            throw NotRegular(path, FileKind.Special);
        }
        return new FileStream(handle, FileAccess.Read, bufferSize, isAsync: false);
    }

    private static IOException NotRegular(string path, FileKind kind) => new($"{path} is {FileKinds.Describe(kind)}");

#pragma warning disable SYSLIB1054, CA5392 // LibraryImport would need unsafe code enabled for the whole library.
    [DllImport("libc.so.6", ExactSpelling = true, SetLastError = true)]
    private static extern int open(byte[] path, int flags);

    [DllImport("libSystem.Native", ExactSpelling = true)]
    private static extern int SystemNative_FStat(SafeFileHandle fd, byte[] status);
#pragma warning restore SYSLIB1054, CA5392
}
