using PodUnits.Core.Errors;
using PodUnits.Core.Files;
using PodUnits.Core.Native;
using PodUnits.Definitions;
using Tmds.Linux;

namespace PodUnits.Planning.Configuration;

/// <summary>
/// hostPath.type as the kubelet applies it, in stage 0 before anything of the pod runs:
/// DirectoryOrCreate makes the directory (0755, with its parents) and FileOrCreate an empty
/// file (0644, not its parent directory) where nothing is; every other type must find that
/// kind of file at the path, following symlinks as the mount does. Unset checks only that
/// something is there (containerd's CRI would make a directory; docs/configuration.md).
/// A failed check names the volume and what was found (the kubelet's "hostPath type check
/// failed") and the pod does not start.
/// </summary>
public static class HostPathVolumes
{
    public static void Prepare(PodDefinition pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        foreach (VolumeDefinition v in pod.Volumes)
        {
            if (v.HostPath is not { } hostPath)
            {
                continue;
            }
            string what = $"pod {pod.Name}: volume {v.Name}";
            if (hostPath.Type != HostPathType.Unset)
            {
                Prepare(what, hostPath);
            }
            else if (TypeOf(hostPath.Path) == Absent)
            {
                // Checked here, not only when the container mounts it: the start fails at once,
                // naming the volume, before anything of the pod runs.
                throw new PodUnitsException(what, $"hostPath {hostPath.Path}: {Runtime.State.PodPaths.HostPathMissing}");
            }
        }
    }

    internal static void Prepare(string what, HostPathVolume volume)
    {
        ArgumentNullException.ThrowIfNull(volume);
        string path = volume.Path;
        uint found = TypeOf(path);
        if (found == Absent && volume.Type is HostPathType.DirectoryOrCreate or HostPathType.FileOrCreate)
        {
            HostPathCreation.Create(what, volume, () =>
            {
                if (volume.Type == HostPathType.DirectoryOrCreate)
                {
                    Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
                }
                else
                {
                    CreateEmptyFile(what, path);
                }
            });
            return;
        }
        uint wanted = Expected(volume.Type);
        if (found != wanted)
        {
            throw new PodUnitsException(what, $"hostPath {path} (type {volume.Type}): {Describe(found)}, not {Describe(wanted)}");
        }
    }

    /// <summary>What <see cref="TypeOf"/> says where nothing is.</summary>
    private const uint Absent = 0;

    private static uint Expected(HostPathType type) => type switch
    {
        HostPathType.DirectoryOrCreate or HostPathType.Directory => FileTypes.Directory,
        HostPathType.FileOrCreate or HostPathType.File => FileTypes.Regular,
        HostPathType.Socket => FileTypes.Socket,
        HostPathType.CharDevice => FileTypes.CharDevice,
        HostPathType.BlockDevice => FileTypes.BlockDevice,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "no file type to check"),
    };

    private static string Describe(uint type) => type == Absent ? "nothing is there" : FileTypes.Describe(type);

    /// <summary>The file type bits of what <paramref name="path"/> leads to, or
    /// <see cref="Absent"/> when nothing does (a dangling symlink too).</summary>
    private static uint TypeOf(string path) => FileTypes.Of(path) ?? Absent;

    private static void CreateEmptyFile(string what, string path)
    {
        try
        {
            using var created = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            });
        }
        catch (DirectoryNotFoundException)
        {
            // As the kubelet: FileOrCreate makes the file, not the directories it is in.
            throw new PodUnitsException(what, $"hostPath {path} (type FileOrCreate): its directory {Path.GetDirectoryName(path)} does not exist");
        }
        catch (IOException) when (File.Exists(path))
        {
            // Made meanwhile by someone else: what matters is that a file is there.
        }
    }
}
