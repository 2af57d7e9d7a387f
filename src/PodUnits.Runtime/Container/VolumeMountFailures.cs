using PodUnits.Core.Errors;
using PodUnits.Core.Files;
using PodUnits.Core.Native;
using PodUnits.Runtime.Plan;

namespace PodUnits.Runtime.Container;

/// <summary>
/// How a volume mount that fails is said: by its mountPath and its volume's name, never by
/// the descriptor path it is bound from. The journal had only "move_mount /proc/self/fd/9:
/// Not a directory (errno 20)", and a definition with several mounts gave no clue which
/// (volumes review of 2026-12-07, finding 7). A subPath is never quoted: a subPathExpr may
/// hold a Secret's value. A file onto a directory, or the reverse, is said before the kernel
/// refuses it, as runc says "Are you trying to mount a directory onto a file?".
/// </summary>
internal static class VolumeMountFailures
{
    private const int ENOTDIR = 20, EISDIR = 21;

    /// <summary>Runs <paramref name="mount"/>; its failure becomes "volumeMounts PATH: volume V: ...".</summary>
    public static void Said(MountPlan m, Action mount)
    {
        ArgumentNullException.ThrowIfNull(m);
        ArgumentNullException.ThrowIfNull(mount);
        try
        {
            mount();
        }
        catch (NativeCallException e)
        {
            // The call and the errno only: the path it names is a descriptor's, or a subPath.
            string kinds = e.Errno is ENOTDIR or EISDIR ? " (a file mounted onto a directory, or the reverse?)" : "";
            throw new PodUnitsException(What(m), $"{VolumeOf(m)}: {e.Syscall} failed: {e.Why}{kinds}", e.ExitCode, e);
        }
        catch (PodUnitsException e) when (!e.What.StartsWith("volumeMounts ", StringComparison.Ordinal))
        {
            // "hostPath /srv: nothing is there" keeps its subject; "/proc/self/fd/9: cannot be an
            // idmapped mount" loses it, the volume's name saying more.
            string subject = e.What.Contains("/proc/self/fd/", StringComparison.Ordinal) ? "" : $"{e.What}: ";
            throw new PodUnitsException(What(m), $"{VolumeOf(m)}: {subject}{e.Why}", e.ExitCode, e);
        }
    }

    /// <summary>A subPath names an entry of a directory: a volume that is a file (a hostPath of
    /// type File) has none, and opening it as a root failed with "open /proc/self/fd/7: Not a directory".</summary>
    public static void RefuseSubPathOfAFile(MountPlan m, string source)
    {
        ArgumentNullException.ThrowIfNull(m);
        uint type = FileTypes.Of(source) ?? FileTypes.Regular;
        if (type != FileTypes.Directory)
        {
            throw new PodUnitsException(What(m), $"{VolumeOf(m)} is {FileTypes.Describe(type)}: a subPath needs a volume that is a directory");
        }
    }

    /// <summary>Refuses to bind <paramref name="source"/> onto what the container has at the
    /// mountPath when one is a directory and the other is not; nothing there is fine (the
    /// mountpoint is made of the source's kind).</summary>
    public static void RefuseKindMismatch(MountPlan m, string source, ContainerRoot inRoot)
    {
        ArgumentNullException.ThrowIfNull(m);
        ArgumentNullException.ThrowIfNull(inRoot);
        if (inRoot.TryExisting(m.Target) is not (int fd, bool targetIsDirectory))
        {
            return;
        }
        LibcExtra.close(fd);
        if (KindMismatch(m, FileTypes.Of(source) ?? FileTypes.Regular, targetIsDirectory) is { } why)
        {
            throw new PodUnitsException(What(m), why);
        }
    }

    /// <summary>Why a source of <paramref name="sourceType"/> cannot go onto the target, or null when it can.</summary>
    internal static string? KindMismatch(MountPlan m, uint sourceType, bool targetIsDirectory)
    {
        ArgumentNullException.ThrowIfNull(m);
        bool sourceIsDirectory = sourceType == FileTypes.Directory;
        if (sourceIsDirectory == targetIsDirectory)
        {
            return null;
        }
        string volume = m.SubPath is null ? VolumeOf(m) : $"the subPath entry of {VolumeOf(m)}";
        return $"{volume} is {FileTypes.Describe(sourceType)}, and {m.Target} in the container is {(targetIsDirectory ? "a directory" : "a file")}: "
            + (sourceIsDirectory ? "a directory can be mounted only onto a directory" : "only a directory can be mounted onto a directory")
            + " (or where nothing is)";
    }

    private static string What(MountPlan m) => $"volumeMounts {m.Target}";

    private static string VolumeOf(MountPlan m) => m.Volume is { } name ? $"volume {name}" : "its volume";
}
