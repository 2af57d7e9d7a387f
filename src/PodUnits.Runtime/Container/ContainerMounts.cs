using PodUnits.Core.Native;
using PodUnits.Runtime.Plan;

namespace PodUnits.Runtime.Container;

/// <summary>
/// Builds a container's root in its own mount namespace: overlayfs over the image, the API
/// file systems, a minimal /dev, the pod's shared /etc files and the volumes; then
/// pivot_root into it. The order matters: read-only remounts come last.
/// </summary>
internal static class ContainerMounts
{
    private const ulong NoSuidDev = LibcExtra.MS_NOSUID | LibcExtra.MS_NODEV;
    private static readonly string[] Devices = ["null", "zero", "full", "random", "urandom", "tty"];

    public static void EnterRoot(PodPlan pod, ContainerPlan c)
    {
        string root = $"/run/podunits/containers/{c.Name}/root";
        Directory.CreateDirectory(root);
        string upper = $"{c.LayerDir}/upper", work = $"{c.LayerDir}/work";
        Directory.CreateDirectory(upper);
        Directory.CreateDirectory(work);
        Mount("overlay", root, "overlay", 0, $"lowerdir={c.LowerDir},upperdir={upper},workdir={work}");
        foreach (string d in new[] { "proc", "sys", "dev", "run", "tmp", "etc" })
        {
            Directory.CreateDirectory($"{root}/{d}");
        }
        Mount("proc", $"{root}/proc", "proc", NoSuidDev | LibcExtra.MS_NOEXEC, null);
        Mount("sysfs", $"{root}/sys", "sysfs", NoSuidDev | LibcExtra.MS_NOEXEC | (c.Privileged ? 0 : LibcExtra.MS_RDONLY), null);
        Dev(root);
        Mount("tmpfs", $"{root}/run", "tmpfs", NoSuidDev, "mode=0755");
        Mount("tmpfs", $"{root}/tmp", "tmpfs", NoSuidDev, "mode=1777");
        foreach (string f in new[] { "hostname", "hosts", "resolv.conf" })
        {
            Bind($"/run/podunits/etc/{f}", $"{root}/etc/{f}", readOnly: false, directory: false);
        }
        foreach (MountPlan m in c.Mounts)
        {
            Bind(m.Source, root + m.Target, m.ReadOnly, Directory.Exists(m.Source));
        }
        if (c.ReadOnlyRootFilesystem)
        {
            Mount(null, root, null, LibcExtra.MS_REMOUNT | LibcExtra.MS_BIND | LibcExtra.MS_RDONLY, null);
        }
        // pivot_root(".", "."): the old root ends up on top of the new one; detach it
        // (pivot_root(2), NOTES), so nothing of the host stays reachable.
        Check.Io(LibcExtra.chdir(root), "chdir", root);
        Check.Io(LibcExtra.pivot_root(".", "."), "pivot_root", root);
        Check.Io(LibcExtra.umount2(".", LibcExtra.MNT_DETACH), "umount2", "old root");
        Check.Io(LibcExtra.chdir("/"), "chdir", "/");
        _ = pod;
    }

    private static void Dev(string root)
    {
        string dev = $"{root}/dev";
        Mount("tmpfs", dev, "tmpfs", LibcExtra.MS_NOSUID | LibcExtra.MS_NOEXEC, "mode=0755,size=65536k");
        foreach (string d in Devices)
        {
            Bind($"/dev/{d}", $"{dev}/{d}", readOnly: false, directory: false);
        }
        Directory.CreateDirectory($"{dev}/pts");
        Mount("devpts", $"{dev}/pts", "devpts", LibcExtra.MS_NOSUID | LibcExtra.MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620");
        File.CreateSymbolicLink($"{dev}/ptmx", "pts/ptmx");
        Directory.CreateDirectory($"{dev}/shm");
        Mount("shm", $"{dev}/shm", "tmpfs", NoSuidDev | LibcExtra.MS_NOEXEC, "mode=1777,size=65536k");
        File.CreateSymbolicLink($"{dev}/fd", "/proc/self/fd");
        File.CreateSymbolicLink($"{dev}/stdin", "/proc/self/fd/0");
        File.CreateSymbolicLink($"{dev}/stdout", "/proc/self/fd/1");
        File.CreateSymbolicLink($"{dev}/stderr", "/proc/self/fd/2");
    }

    private static void Bind(string source, string target, bool readOnly, bool directory)
    {
        if (directory)
        {
            Directory.CreateDirectory(target);
        }
        else if (!File.Exists(target))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllBytes(target, []);
        }
        Mount(source, target, null, LibcExtra.MS_BIND | LibcExtra.MS_REC, null);
        if (readOnly)
        {
            Mount(null, target, null, LibcExtra.MS_REMOUNT | LibcExtra.MS_BIND | LibcExtra.MS_RDONLY, null);
        }
    }

    private static void Mount(string? source, string target, string? type, ulong flags, string? data) =>
        Check.Io(LibcExtra.mount(source, target, type, flags, data), $"mount {type ?? "bind"}", target);
}
