using PodUnits.Core.Native;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace PodUnits.Runtime.Init;

/// <summary>
/// securityContext.fsGroup on one file or directory, as the kubelet's SetVolumeOwnership
/// leaves it: group <c>fsGroup</c>; files gain group read (and write unless the volume is
/// read-only); directories also group search and the setgid bit, so what a container
/// creates there takes the group too. Used on the volumes PodUnits has just made (a fresh
/// emptyDir, the configuration volumes the pod init writes) and, entry by entry, by
/// State/ClaimOwnership's walk of a claim.
/// </summary>
internal static unsafe class FsGroupOwnership
{
    private const uint GroupReadWrite = 0x1b0; // 0660
    private const uint GroupRead = 0x120;      // 0440
    private const uint Search = 0x48;          // 0110
    private const uint SetGid = 0x400;         // 02000

    /// <summary>What a writable directory's mode must hold (OnRootMismatch's test).</summary>
    public const uint WritableDirectoryMask = GroupReadWrite | Search | SetGid;

    /// <summary>
    /// A volume PodUnits has just made for this pod alone (an emptyDir). In a pod with its own
    /// user namespace its top directory belongs to the namespace's root and fsGroup is the
    /// group as the pod sees it: such volumes are not idmapped, their files hold the pod's host
    /// IDs (Container/ContainerUsers.cs).
    /// </summary>
    public static void NewPodVolume(string path, uint? fsGroup, Plan.IdMapping? users)
    {
        if (users is not null)
        {
            Check.Io(LibcExtra.lchown(path, users.HostFirst, users.HostFirst), "lchown", path);
        }
        if (fsGroup is uint g)
        {
            Apply(path, users?.ToHost(g) ?? g, readOnly: false);
        }
    }

    /// <summary>Applies to <paramref name="path"/> itself, never to a symlink's target.</summary>
    public static void Apply(string path, uint fsGroup, bool readOnly)
    {
        int fd = Check.Io(LibcExtra.open(path, LibcExtra.O_PATH | LibcExtra.O_NOFOLLOW | LibcExtra.O_CLOEXEC, 0), "open", path);
        try
        {
            stat st;
            Check.Io(fstat(fd, &st), "fstat", path);
            Apply(fd, st, fsGroup, readOnly, path);
        }
        finally
        {
            _ = close(fd);
        }
    }

    /// <summary>Applies through <paramref name="fd"/> (O_PATH is enough), whose fstat is
    /// <paramref name="st"/>: the group by fchownat, the mode by chmod of /proc/self/fd/N,
    /// which names the inode, not a path.</summary>
    public static void Apply(int fd, stat st, uint fsGroup, bool readOnly, string what)
    {
        using (var empty = new CString(""))
        {
            Check.Io(fchownat(fd, empty, uint.MaxValue, fsGroup, LibcExtra.AT_EMPTY_PATH), "fchownat", what); // -1: the owner stays
        }
        uint type = (uint)(st.st_mode & S_IFMT);
        if (type == (uint)S_IFLNK)
        {
            return; // a link has no mode of its own (the atomic writer's links: their targets get it)
        }
        uint mask = (readOnly ? GroupRead : GroupReadWrite) | (type == (uint)S_IFDIR ? Search | SetGid : 0);
        using var proc = new CString($"/proc/self/fd/{fd}");
        Check.Io(chmod(proc, (mode_t)(((uint)st.st_mode & 0xfff) | mask)), "chmod", what);
    }
}
