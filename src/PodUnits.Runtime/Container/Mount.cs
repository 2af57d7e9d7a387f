using PodUnits.Core.Native;

namespace PodUnits.Runtime.Container;

/// <summary>
/// The mount operations container-start needs, each checked where it is made. Targets inside
/// a container root are O_PATH descriptors from <see cref="ContainerRoot"/>; new file systems
/// are mounted onto them through /proc/self/fd, bind mounts are cloned trees (open_tree(2))
/// attached with move_mount(2) after mount_setattr(2) set their flags on every mount of the
/// tree (Linux 5.12).
/// </summary>
internal static class Mount
{
    /// <summary>A new file system (proc, tmpfs, overlay...) at a host path PodUnits owns.</summary>
    public static void Fresh(string source, string target, string type, ulong flags, string? data) =>
        Check.Io(LibcExtra.mount(source, target, type, flags, data), $"mount {type}", target);

    /// <summary>A new file system at <paramref name="path"/> inside the container root.</summary>
    public static void Fresh(string source, ContainerRoot inRoot, string path, string type, ulong flags, string? data)
    {
        using var target = new Fd(inRoot.Directory(path));
        Check.Io(LibcExtra.mount(source, ContainerRoot.ProcFd(target.Value), type, flags, data), $"mount {type}", $"{path} in {inRoot.HostPath}");
    }

    /// <summary>Binds the host path <paramref name="source"/> (and everything mounted below it)
    /// to <paramref name="path"/> inside the container root, with <paramref name="attributes"/>
    /// (MOUNT_ATTR_*) set on every mount of the tree.</summary>
    /// <param name="idmapTo">A user namespace descriptor: the bound tree is an idmapped mount
    /// through its mapping (host ID x appears as x inside that namespace), or -1.</param>
    public static void Bind(string source, ContainerRoot inRoot, string path, bool directory, ulong attributes, int idmapTo = -1)
    {
        using var target = new Fd(directory ? inRoot.Directory(path) : inRoot.File(path));
        BindOnto(source, target.Value, attributes, idmapTo);
    }

    /// <summary>Binds <paramref name="source"/> (a host path, or /proc/self/fd/N) onto the
    /// descriptor <paramref name="targetFd"/>.</summary>
    public static void BindOnto(string source, int targetFd, ulong attributes, int idmapTo = -1)
    {
        using var tree = new Fd(Detached(source, attributes, idmapTo));
        Check.Io(LibcExtra.move_mount(tree.Value, "", targetFd, "", LibcExtra.MOVE_MOUNT_F_EMPTY_PATH | LibcExtra.MOVE_MOUNT_T_EMPTY_PATH),
            "move_mount", source);
    }

    /// <summary>Binds <paramref name="source"/> at the host path <paramref name="target"/>
    /// (which PodUnits owns: a directory it created in the container's mount namespace).</summary>
    public static void BindAt(string source, string target, ulong attributes, int idmapTo = -1)
    {
        using var tree = new Fd(Detached(source, attributes, idmapTo));
        Check.Io(LibcExtra.move_mount(tree.Value, "", LibcExtra.AT_FDCWD, target, LibcExtra.MOVE_MOUNT_F_EMPTY_PATH), "move_mount", target);
    }

    /// <summary>A detached copy of the tree at <paramref name="source"/> (open_tree(2)) with its
    /// attributes set on every mount of it; the caller attaches and closes it.</summary>
    private static int Detached(string source, ulong attributes, int idmapTo)
    {
        int tree = Check.Io(LibcExtra.open_tree(LibcExtra.AT_FDCWD, source,
            LibcExtra.OPEN_TREE_CLONE | LibcExtra.OPEN_TREE_CLOEXEC | LibcExtra.AT_RECURSIVE), "open_tree", source);
        try
        {
            if (attributes != 0 || idmapTo >= 0)
            {
                SetAttributes(tree, "", recursive: true, attributes, idmapTo);
            }
            return tree;
        }
        catch (Core.Errors.NativeCallException e) when (idmapTo >= 0 && e.Errno == Einval)
        {
            LibcExtra.close(tree);
            // PodUnits' own files (/run/podunits: the pod's /etc files, emptyDirs) are on tmpfs,
            // idmappable since Linux 6.3: there the kernel, not the volume, is what is missing
            // (user-namespace review of 2026-12-06, finding 5).
            throw new Core.Errors.PodUnitsException(source, source.StartsWith("/run/podunits/", StringComparison.Ordinal)
                ? $"cannot be an idmapped mount: this kernel ({Environment.OSVersion.Version}) cannot idmap tmpfs (Linux 6.3 can), which a pod with its own user namespace needs; set spec.hostUsers: true, or userNamespaces: host in /etc/podunits/podunits.yaml"
                : "cannot be an idmapped mount (its file system, or one mounted below it, does not support idmapping), which a pod with its own user namespace needs",
                inner: e);
        }
        catch
        {
            LibcExtra.close(tree);
            throw;
        }
    }

    private const int Einval = 22;

    /// <summary>mount_setattr(2): sets <paramref name="attributes"/> and keeps every other
    /// flag of the mount(s), unlike a MS_REMOUNT, which replaces them all.</summary>
    public static void SetAttributes(int dirFd, string path, bool recursive, ulong attributes, int idmapTo = -1)
    {
        uint flags = (path.Length == 0 ? (uint)LibcExtra.AT_EMPTY_PATH : 0) | (recursive ? (uint)LibcExtra.AT_RECURSIVE : 0);
        var attr = new LibcExtra.MountAttr { AttrSet = attributes };
        if (idmapTo >= 0)
        {
            attr.AttrSet |= LibcExtra.MOUNT_ATTR_IDMAP;
            attr.UsernsFd = (ulong)idmapTo;
        }
        Check.Io(LibcExtra.mount_setattr(dirFd, path, flags, attr), "mount_setattr", path.Length == 0 ? $"fd {dirFd}" : path);
    }

    /// <summary>symlinkat(2) in the directory <paramref name="dirFd"/>.</summary>
    public static unsafe void Symlink(string target, int dirFd, string name)
    {
        byte* t = LibcExtra.Utf8(target);
        byte* n = LibcExtra.Utf8(name);
        try
        {
            if (Tmds.Linux.LibC.symlinkat(t, dirFd, n) != 0)
            {
                throw new Core.Errors.NativeCallException("symlinkat", Tmds.Linux.LibC.errno, name);
            }
        }
        finally
        {
            System.Runtime.InteropServices.NativeMemory.Free(t);
            System.Runtime.InteropServices.NativeMemory.Free(n);
        }
    }
}

/// <summary>A descriptor closed at the end of a using block.</summary>
internal readonly struct Fd(int value) : IDisposable
{
    public int Value { get; } = value;

    public void Dispose() => LibcExtra.close(Value);
}
