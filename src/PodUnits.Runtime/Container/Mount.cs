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
    public static void Bind(string source, ContainerRoot inRoot, string path, bool directory, ulong attributes)
    {
        using var target = new Fd(directory ? inRoot.Directory(path) : inRoot.File(path));
        BindOnto(source, target.Value, attributes);
    }

    /// <summary>Binds <paramref name="source"/> (a host path, or /proc/self/fd/N) onto the
    /// descriptor <paramref name="targetFd"/>.</summary>
    public static void BindOnto(string source, int targetFd, ulong attributes)
    {
        using var tree = new Fd(Check.Io(LibcExtra.open_tree(LibcExtra.AT_FDCWD, source,
            LibcExtra.OPEN_TREE_CLONE | LibcExtra.OPEN_TREE_CLOEXEC | LibcExtra.AT_RECURSIVE), "open_tree", source));
        if (attributes != 0)
        {
            SetAttributes(tree.Value, "", recursive: true, attributes);
        }
        Check.Io(LibcExtra.move_mount(tree.Value, "", targetFd, "", LibcExtra.MOVE_MOUNT_F_EMPTY_PATH | LibcExtra.MOVE_MOUNT_T_EMPTY_PATH),
            "move_mount", source);
    }

    /// <summary>mount_setattr(2): sets <paramref name="attributes"/> and keeps every other
    /// flag of the mount(s), unlike a MS_REMOUNT, which replaces them all.</summary>
    public static void SetAttributes(int dirFd, string path, bool recursive, ulong attributes)
    {
        uint flags = (path.Length == 0 ? (uint)LibcExtra.AT_EMPTY_PATH : 0) | (recursive ? (uint)LibcExtra.AT_RECURSIVE : 0);
        Check.Io(LibcExtra.mount_setattr(dirFd, path, flags, new LibcExtra.MountAttr { AttrSet = attributes }),
            "mount_setattr", path.Length == 0 ? $"fd {dirFd}" : path);
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
