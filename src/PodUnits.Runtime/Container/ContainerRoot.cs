using System.Runtime.InteropServices;
using PodUnits.Core.Errors;
using PodUnits.Core.Native;

namespace PodUnits.Runtime.Container;

/// <summary>
/// Paths inside a container's root file system, resolved without ever leaving it: every
/// lookup is openat2(2) with RESOLVE_IN_ROOT against a descriptor of the root, so an image's
/// symlink is followed as the container would see it (an absolute `/var/run -> /run` lands on
/// the root's own /run, `..` stops at the root) and never on the host, which is what mount
/// targets resolved as plain host paths before pivot_root would do. Missing directories and
/// files are created on the way, through descriptors too; a dangling symlink at the end is
/// followed inside the root and its target created (Debian images link /etc/resolv.conf into
/// /run). Callers mount onto the returned O_PATH descriptors (see <see cref="ProcFd"/>), so
/// nothing can swap a path between the check and the mount. Needs Linux 5.6 (openat2).
/// </summary>
internal sealed class ContainerRoot : IDisposable
{
    private const ulong InRoot = LibcExtra.RESOLVE_IN_ROOT | LibcExtra.RESOLVE_NO_MAGICLINKS;
    /// <summary>As the kernel's own limit on symlinks followed in one lookup (ELOOP).</summary>
    private const int MaxLinks = 40;
    private readonly int _rootFd;
    private readonly uint? _owner;
    private readonly UnixFileMode? _directoryMode;

    /// <param name="owner">Who owns what is created on the way (uid, and gid where the parent
    /// directory is not setgid: a setgid one's group stays), or null for the
    /// caller: in a pod with its own user namespace, the namespace's root, so a mount point's
    /// missing parents are root's inside, not host root's (which would show as nobody).</param>
    /// <param name="directoriesLikeRoot">Directories created get the root's own mode (setgid
    /// and sticky bits included) whatever the umask, instead of 0755: a volume's missing
    /// subPath, as the kubelet makes it (SafeMakeDir with the volume's mode), so a non-root
    /// container can write in an emptyDir's subPath as in the emptyDir.</param>
    public ContainerRoot(string hostPath, uint? owner = null, bool directoriesLikeRoot = false)
    {
        HostPath = hostPath;
        _owner = owner;
        _rootFd = Check.Io(LibcExtra.open(hostPath, LibcExtra.O_PATH | LibcExtra.O_DIRECTORY | LibcExtra.O_CLOEXEC, 0), "open", hostPath);
        _directoryMode = directoriesLikeRoot ? System.IO.File.GetUnixFileMode(ProcFd(_rootFd)) : null;
    }

    public string HostPath { get; }

    /// <summary>The path through which mount(2) and friends reach exactly the inode an
    /// O_PATH descriptor holds (the runc "procfd" way).</summary>
    public static string ProcFd(int fd) => $"/proc/self/fd/{fd}";

    /// <summary>An O_PATH descriptor of the directory at <paramref name="path"/> inside the
    /// root, created (mode 0755, with its parents) if missing. The caller closes it.</summary>
    public int Directory(string path) => Open(path, directory: true, 0);

    /// <summary>An O_PATH descriptor of the file at <paramref name="path"/> inside the root,
    /// created empty (mode 0644, with its parents) if missing. The caller closes it.</summary>
    public int File(string path) => Open(path, directory: false, 0);

    /// <summary>An O_PATH descriptor of what exists at <paramref name="path"/> and whether it
    /// is a directory, or null when nothing does; never creates anything.</summary>
    public (int Fd, bool IsDirectory)? TryExisting(string path)
    {
        int fd = TryOpen(path, directory: false);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            return errno == ENOENT ? null : throw Failed("openat2", errno, path);
        }
        return (fd, System.IO.Directory.Exists(ProcFd(fd)));
    }

    /// <summary>Whether anything is at <paramref name="path"/> inside the root: not when
    /// a directory on the way is a file (ENOTDIR), or the name leads through too many links
    /// (ELOOP) or is too long (ENAMETOOLONG), which for a command's lookup is "not found", as
    /// a shell says.</summary>
    public bool Exists(string path)
    {
        int fd = TryOpen(path, directory: false);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            return errno is ENOENT or ENOTDIR or ELOOP or ENAMETOOLONG ? false : throw Failed("openat2", errno, path);
        }
        LibcExtra.close(fd);
        return true;
    }

    /// <summary>Whether <paramref name="path"/> inside the root is a file with an execute
    /// bit, followed as the container would follow it (for a PATH lookup before pivot_root).</summary>
    public bool IsExecutableFile(string path)
    {
        if (TryOpen(path, directory: false) is int fd and >= 0)
        {
            using var target = new Fd(fd);
            return ContainerCommand.IsExecutableFile(ProcFd(fd));
        }
        return false;
    }

    public void Dispose() => LibcExtra.close(_rootFd);

    private int Open(string path, bool directory, int links)
    {
        int fd = TryOpen(path, directory);
        if (fd >= 0)
        {
            return fd;
        }
        int errno = Marshal.GetLastPInvokeError();
        if (errno != ENOENT)
        {
            throw Failed("openat2", errno, path);
        }
        (string parent, string name) = Split(path);
        if (name.Length == 0)
        {
            throw Failed("openat2", errno, path); // the root itself cannot be missing
        }
        int parentFd = Open(parent, directory: true, links);
        try
        {
            if (Create(parentFd, name, directory) is not { } linkTarget)
            {
                return Retry(path, directory);
            }
            // A dangling symlink: create what it points at, as the container would resolve it.
            if (links >= MaxLinks)
            {
                throw Failed("openat2", ELOOP, path);
            }
            string target = linkTarget.StartsWith('/') ? linkTarget : $"{parent}/{linkTarget}";
            LibcExtra.close(Open(target, directory, links + 1));
            return Retry(path, directory);
        }
        finally
        {
            LibcExtra.close(parentFd);
        }
    }

    /// <summary>chmod of the directory just made, through a descriptor that did not follow a
    /// symlink: a container sharing the volume may have swapped one in meanwhile.</summary>
    private unsafe void SetMode(int parentFd, byte* n, string name, UnixFileMode mode)
    {
        int fd = Tmds.Linux.LibC.openat(parentFd, n, LibcExtra.O_PATH | LibcExtra.O_DIRECTORY | LibcExtra.O_NOFOLLOW | LibcExtra.O_CLOEXEC, 0);
        if (fd < 0)
        {
            throw Failed("openat", Tmds.Linux.LibC.errno, name);
        }
        using var directory = new Fd(fd);
        System.IO.File.SetUnixFileMode(ProcFd(fd), mode);
    }

    private int TryOpen(string path, bool directory)
    {
        var how = new LibcExtra.OpenHow
        {
            Flags = (ulong)(LibcExtra.O_PATH | LibcExtra.O_CLOEXEC | (directory ? LibcExtra.O_DIRECTORY : 0)),
            Resolve = InRoot,
        };
        return LibcExtra.openat2(_rootFd, path, how);
    }

    private int Retry(string path, bool directory)
    {
        int fd = TryOpen(path, directory);
        return fd >= 0 ? fd : throw Failed("openat2", Marshal.GetLastPInvokeError(), path);
    }

    /// <summary>Creates <paramref name="name"/> in the directory <paramref name="parentFd"/>;
    /// returns the target of the symlink found there instead, or null when it was created (or
    /// appeared meanwhile).</summary>
    private unsafe string? Create(int parentFd, string name, bool directory)
    {
        byte* n = LibcExtra.Utf8(name);
        try
        {
            (int result, int errno) = Make(parentFd, n, directory);
            if (result != 0 && errno == EOVERFLOW && _owner is uint namespaceRoot)
            {
                // Inside an idmapped volume (a hostPath or PVC of a pod with its own user
                // namespace) host root has no mapping, and the kernel refuses it a new file:
                // a volume mounted in another one failed with EOVERFLOW (user-namespace
                // review of 2026-12-06, finding 1). Made as the namespace's root instead,
                // this thread's file-system IDs alone, it is root's inside and on disk uid 0,
                // as runc makes it from inside the namespace.
                int uid = LibcExtra.setfsuid(namespaceRoot), gid = LibcExtra.setfsgid(namespaceRoot);
                try
                {
                    // A non-zero fsuid drops the file-system capabilities: raised again, or a
                    // volume directory of an application user (1000, 0755) refused what runc,
                    // root in the namespace with CAP_DAC_OVERRIDE over it, makes.
                    RaiseFileSystemCapabilities();
                    (result, errno) = Make(parentFd, n, directory);
                }
                finally
                {
                    _ = LibcExtra.setfsgid((uint)gid);
                    _ = LibcExtra.setfsuid((uint)uid);
                }
            }
            if (result == 0)
            {
                if (_owner is uint owner)
                {
                    // The group only where the parent does not give it: under a setgid parent
                    // (an emptyDir of a pod with fsGroup) the kernel gave the new entry the
                    // parent's group, fsGroup, as without a user namespace and as the kubelet's
                    // SafeMakeDir leaves it; (owner, owner) made a shared subPath group 0
                    // inside (user-namespace review of 2026-12-07, finding 2).
                    uint group = IsSetGroupId(parentFd) ? uint.MaxValue : owner; // -1: unchanged
                    Check.Io(Tmds.Linux.LibC.fchownat(parentFd, n, owner, group, AtSymlinkNoFollow), "fchownat", name);
                }
                if (directory && _directoryMode is UnixFileMode mode)
                {
                    SetMode(parentFd, n, name, mode);
                }
                return null;
            }
            if (errno is not (EEXIST or ELOOP))
            {
                throw Failed(directory ? "mkdirat" : "openat O_CREAT", errno, name);
            }
            byte* buffer = stackalloc byte[4096];
            long length = Tmds.Linux.LibC.readlinkat(parentFd, n, buffer, 4096);
            return length > 0 ? System.Text.Encoding.UTF8.GetString(buffer, (int)length) : null;
        }
        finally
        {
            System.Runtime.InteropServices.NativeMemory.Free(n);
        }
    }

    /// <summary>Whether the directory <paramref name="fd"/> (O_PATH) has the setgid bit, so
    /// what is made in it takes its group.</summary>
    private static bool IsSetGroupId(int fd) =>
        System.IO.File.GetUnixFileMode(ProcFd(fd)).HasFlag(UnixFileMode.SetGroup);

    /// <summary>This thread's CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER and
    /// CAP_FSETID back into its effective set from its permitted one (capabilities(7): a
    /// change of fsuid from 0 clears them; its change back to 0 raises them again).</summary>
    private static unsafe void RaiseFileSystemCapabilities()
    {
        const uint FileSystem = 0b11111; // bits 0-4: CHOWN, DAC_OVERRIDE, DAC_READ_SEARCH, FOWNER, FSETID
        var header = new LibcExtra.CapUserHeader { Version = LibcExtra.LINUX_CAPABILITY_VERSION_3, Pid = 0 };
        LibcExtra.CapUserData* data = stackalloc LibcExtra.CapUserData[2];
        Check.Io(LibcExtra.capget(&header, data), "capget", "this thread");
        data[0].Effective |= data[0].Permitted & FileSystem;
        Check.Io(LibcExtra.capset(&header, data), "capset", "this thread");
    }

    /// <summary>mkdirat or an exclusive create, and errno when it failed.</summary>
    private unsafe (int Result, int Errno) Make(int parentFd, byte* name, bool directory)
    {
        int result = directory
            ? Tmds.Linux.LibC.mkdirat(parentFd, name, (Tmds.Linux.mode_t)(_directoryMode is null ? 0x1ed : 0x1c0)) // 0755, or 0700 until its mode is set
            : CreateFile(parentFd, name);
        return (result, result == 0 ? 0 : Tmds.Linux.LibC.errno);
    }

    private static unsafe int CreateFile(int parentFd, byte* name)
    {
        int fd = Tmds.Linux.LibC.openat(parentFd, name,
            LibcExtra.O_CREAT | LibcExtra.O_EXCL | LibcExtra.O_WRONLY | LibcExtra.O_NOFOLLOW | LibcExtra.O_CLOEXEC, 0x1a4); // 0644
        if (fd < 0)
        {
            return -1; // errno says why
        }
        LibcExtra.close(fd);
        return 0;
    }

    /// <summary>"/a/b/c" → ("/a/b", "c"); "/" → ("/", "").</summary>
    internal static (string Parent, string Name) Split(string path)
    {
        string trimmed = path.TrimEnd('/');
        int slash = trimmed.LastIndexOf('/');
        return slash < 0 ? ("/", trimmed) : (slash == 0 ? "/" : trimmed[..slash], trimmed[(slash + 1)..]);
    }

    private NativeCallException Failed(string call, int errno, string path) =>
        new(call, errno, $"{path} in {HostPath}");

    private const int AtSymlinkNoFollow = 0x100;
    private const int ENOENT = 2;
    private const int ENOTDIR = 20;
    private const int ENAMETOOLONG = 36;
    private const int EEXIST = 17;
    private const int ELOOP = 40;
    private const int EOVERFLOW = 75;
}
