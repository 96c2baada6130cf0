using System.Runtime.InteropServices;

namespace BuildSign.Core.Files;

/// <summary>
/// Tells regular files from FIFOs, sockets and devices before anything is opened: opening a FIFO
/// for reading blocks until a writer comes, and a device such as /dev/zero never ends.
/// </summary>
public static class FileKinds
{
    private const int FileTypeMask = 0xF000;
    private const int FifoType = 0x1000;
    private const int CharacterDeviceType = 0x2000;
    private const int DirectoryType = 0x4000;
    private const int BlockDeviceType = 0x6000;
    private const int RegularType = 0x8000;
    private const int SymbolicLinkType = 0xA000;
    private const int SocketType = 0xC000;

    /// <summary>What <paramref name="path"/> names; symbolic links are followed.</summary>
    public static FileKind Of(string path) => Probe(path, followLinks: true);

    /// <summary>What <paramref name="path"/> names; a symbolic link is reported as one.</summary>
    public static FileKind OfLinkItself(string path) => Probe(path, followLinks: false);

    /// <summary>True when <paramref name="path"/> is (or links to) a regular file.</summary>
    public static bool IsRegularFile(string path) => Of(path) == FileKind.Regular;

    /// <summary>The words for a kind in an error message: "a FIFO, socket or device", "a directory".</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Missing => "missing",
        FileKind.Directory => "a directory",
        FileKind.SymbolicLink => "a symbolic link",
        FileKind.Special => "not a regular file (a FIFO, socket or device)",
        _ => "a regular file",
    };

    private static FileKind Probe(string path, bool followLinks)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (OperatingSystem.IsWindows())
        {
            return ProbeWindows(path, followLinks);
        }
        // The runtime's own native shim (shipped with every .NET on Unix) fills a fixed layout whose
        // second 32-bit field is st_mode; libc's struct stat differs between architectures.
        var status = new byte[256];
        var name = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        var result = followLinks ? SystemNative_Stat(name, status) : SystemNative_LStat(name, status);
        if (result != 0)
        {
            return FileKind.Missing;
        }
        return (BitConverter.ToInt32(status, 4) & FileTypeMask) switch
        {
            RegularType => FileKind.Regular,
            DirectoryType => FileKind.Directory,
            SymbolicLinkType => FileKind.SymbolicLink,
            FifoType or CharacterDeviceType or BlockDeviceType or SocketType => FileKind.Special,
            _ => FileKind.Special,
        };
    }

    private static FileKind ProbeWindows(string path, bool followLinks)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return Directory.Exists(path) ? (!followLinks && new DirectoryInfo(path).LinkTarget is not null ? FileKind.SymbolicLink : FileKind.Directory) : FileKind.Missing;
        }
        if (!followLinks && info.LinkTarget is not null)
        {
            return FileKind.SymbolicLink;
        }
        return info.Attributes.HasFlag(FileAttributes.Device) ? FileKind.Special : FileKind.Regular;
    }

#pragma warning disable SYSLIB1054, CA5392 // LibraryImport would need unsafe code enabled for the whole library.
    [DllImport("libSystem.Native", ExactSpelling = true)]
    private static extern int SystemNative_Stat(byte[] path, byte[] status);

    [DllImport("libSystem.Native", ExactSpelling = true)]
    private static extern int SystemNative_LStat(byte[] path, byte[] status);
#pragma warning restore SYSLIB1054, CA5392
}
