using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace BuildSign.Cli.Commands.GitHubAction;

/// <summary>
/// The owner (uid and gid) of the workspace folder. A container action runs as root while the
/// runner's later steps run as the runner user: a file the action rewrote would become root-owned
/// and break them, so every file it writes in the workspace is given back to the workspace's owner.
/// </summary>
internal sealed class WorkspaceOwner
{
    private const int AtFdCwd = -100;
    private const uint StatxUid = 0x8;
    private const uint StatxGid = 0x10;
    // struct statx is the same on every Linux architecture: stx_uid at byte 20, stx_gid at 24, 256 bytes in all.
    private const int StatxSize = 256;

    private WorkspaceOwner(uint uid, uint gid)
    {
        Uid = uid;
        Gid = gid;
    }

    /// <summary>The owner's user id.</summary>
    public uint Uid { get; }

    /// <summary>The owner's group id.</summary>
    public uint Gid { get; }

    /// <summary>
    /// The owner of <paramref name="workspace"/> when files written there need handing back to it:
    /// on Linux, running as root, and the workspace belongs to someone else. Null otherwise.
    /// </summary>
    public static WorkspaceOwner? WhenDifferentFromProcess(string workspace)
    {
        if (!OperatingSystem.IsLinux() || geteuid() != 0)
        {
            return null;
        }
        var buffer = new byte[StatxSize];
        if (statx(AtFdCwd, Utf8z(workspace), 0, StatxUid | StatxGid, buffer) != 0)
        {
            return null;
        }
        var uid = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(20));
        var gid = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(24));
        return uid == 0 && gid == 0 ? null : new WorkspaceOwner(uid, gid);
    }

    /// <summary>Gives the file to the workspace owner; false when that failed (the caller warns).</summary>
    public bool Apply(string path) => lchown(Utf8z(path), Uid, Gid) == 0;

    private static byte[] Utf8z(string text) => Encoding.UTF8.GetBytes(text + "\0");

#pragma warning disable SYSLIB1054, CA5392 // LibraryImport would need unsafe code enabled for the whole program.
    [DllImport("libc.so.6", ExactSpelling = true)]
    private static extern uint geteuid();

    [DllImport("libc.so.6", ExactSpelling = true)]
    private static extern int statx(int dirfd, byte[] path, int flags, uint mask, byte[] buffer);

    [DllImport("libc.so.6", ExactSpelling = true)]
    private static extern int lchown(byte[] path, uint owner, uint group);
#pragma warning restore SYSLIB1054, CA5392
}
