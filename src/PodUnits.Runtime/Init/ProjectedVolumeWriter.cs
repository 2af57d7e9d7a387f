using System.Globalization;
using PodUnits.Core.Native;
using PodUnits.Runtime.Plan;

namespace PodUnits.Runtime.Init;

/// <summary>
/// Writes a configMap, secret, downwardAPI or projected volume the way the kubelet's atomic
/// writer does, so programs that watch these files (and `..data`) see what they expect and
/// an update is one rename: the files go into a fresh directory named after the time
/// (`..2026_11_30_15_20_00.1234567`), the symlink `..data` is switched to it by renaming a new
/// link over it, and each top-level entry is a symlink into `..data`. The volume is a tmpfs of
/// its own in the pod init's private /run: secrets never reach a disk.
/// </summary>
public static class ProjectedVolumeWriter
{
    public const string DataLink = "..data";
    private const long Headroom = 4L << 20;

    /// <summary>Mounts the volume's tmpfs (room for two copies, for an update) and writes it.</summary>
    public static void Mount(ProjectedVolumePlan volume)
    {
        Directory.CreateDirectory(volume.Path);
        long size = (2 * volume.Files.Sum(f => (long)f.Content.Length)) + Headroom;
        Check.Io(LibcExtra.mount("tmpfs", volume.Path, "tmpfs", LibcExtra.MS_NOSUID | LibcExtra.MS_NODEV | LibcExtra.MS_NOEXEC,
            string.Create(CultureInfo.InvariantCulture, $"mode=0755,size={size}")), "mount tmpfs", volume.Path);
        Write(volume.Path, volume.Files, DateTime.UtcNow, volume.FsGroup);
        if (volume.FsGroup is uint g)
        {
            FsGroupOwnership.Apply(volume.Path, g, readOnly: true);
        }
    }

    /// <summary>Writes <paramref name="files"/> as the volume's new content in
    /// <paramref name="directory"/>, replacing what was there in one rename; with
    /// <paramref name="fsGroup"/>, owned by that group as the kubelet leaves them.</summary>
    public static void Write(string directory, IReadOnlyList<ProjectedFilePlan> files, DateTime now, uint? fsGroup)
    {
        string stamp = ".." + now.ToString("yyyy_MM_dd_HH_mm_ss.fffffff", CultureInfo.InvariantCulture);
        string data = Path.Combine(directory, stamp);
        Directory.CreateDirectory(data);
        foreach (ProjectedFilePlan file in files)
        {
            string path = Path.Combine(data, file.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using (var stream = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            }))
            {
                stream.Write(file.Content);
            }
            File.SetUnixFileMode(path, (UnixFileMode)file.Mode); // after writing: the mode may forbid it
        }
        if (fsGroup is uint g)
        {
            // Nothing else can write here (a tmpfs of the pod init's, mounted read-only in the
            // containers), so walking it is safe.
            foreach (string entry in Directory.EnumerateFileSystemEntries(data, "*", SearchOption.AllDirectories).Prepend(data))
            {
                FsGroupOwnership.Apply(entry, g, readOnly: true);
            }
        }
        string temporary = Path.Combine(directory, DataLink + "_tmp");
        File.Delete(temporary);
        File.CreateSymbolicLink(temporary, stamp);
        Rename(temporary, Path.Combine(directory, DataLink)); // the switch
        var entries = files.Select(f => f.Path.Split('/')[0]).ToHashSet(StringComparer.Ordinal);
        foreach (string entry in entries)
        {
            string link = Path.Combine(directory, entry);
            if (!Path.Exists(link) && new FileInfo(link).LinkTarget is null)
            {
                File.CreateSymbolicLink(link, $"{DataLink}/{entry}");
            }
        }
        foreach (FileSystemInfo old in new DirectoryInfo(directory).EnumerateFileSystemInfos())
        {
            if (old.Name.StartsWith("..", StringComparison.Ordinal) && old.Name != stamp && old.Name != DataLink)
            {
                Directory.Delete(old.FullName, recursive: true); // an earlier content
            }
            else if (!old.Name.StartsWith("..", StringComparison.Ordinal) && !entries.Contains(old.Name))
            {
                old.Delete(); // a link to an entry the new content no longer has
            }
        }
    }

    /// <summary>rename(2) of a symlink over another (File.Move follows a link to a directory).</summary>
    private static void Rename(string from, string to) => Check.Io(LibcExtra.rename(from, to), "rename", to);
}
