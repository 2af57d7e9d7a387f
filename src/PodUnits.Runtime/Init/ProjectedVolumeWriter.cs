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
    private const long Page = 4096;
    /// <summary>Room beyond two copies of the content: a reload may bring more (a ConfigMap
    /// holds at most 1 MiB, Kubernetes' limit). Only what is written takes memory.</summary>
    private const long Headroom = 16L << 20;
    private const UnixFileMode DirectoryMode = (UnixFileMode)0x1ed; // 0755

    /// <summary>Mounts the volume's tmpfs (room for two copies, for an update) and writes it.
    /// Not noexec: `defaultMode: 0755` / `mode: 0555` are how a ConfigMap or Secret ships a
    /// script a container runs, and the kubelet's tmpfs (and a configMap's node directory)
    /// allows it. The files are root's, read-only in every container and written by the
    /// administrator; a container can run what it writes to its own layer anyway, so noexec
    /// confined nothing and only made those scripts fail with "Permission denied" (config
    /// review of 2026-12-07, finding 1). The container's bind keeps these flags.</summary>
    public static void Mount(ProjectedVolumePlan volume)
    {
        Directory.CreateDirectory(volume.Path);
        PodTmpfs.Mount(volume.Path, LibcExtra.MS_NOSUID | LibcExtra.MS_NODEV,
            string.Create(CultureInfo.InvariantCulture, $"mode=0755,size={TmpfsSize(volume.Files)}"));
        Write(volume.Path, volume.Files, DateTime.UtcNow, volume.FsGroup);
        if (volume.FsGroup is uint g)
        {
            FsGroupOwnership.Apply(volume.Path, g, readOnly: true);
        }
    }

    /// <summary>The tmpfs's size: two copies of the content (the old one stays until the new one
    /// is complete) counted as tmpfs counts, in whole pages per file, plus a page for each
    /// directory and link, plus headroom. Counting bytes instead, a few hundred small keys
    /// (each a page) filled it at the first reload.</summary>
    public static long TmpfsSize(IReadOnlyList<ProjectedFilePlan> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        long pages = 0;
        foreach (ProjectedFilePlan f in files)
        {
            pages += ((f.Content.Length + Page - 1) / Page) + 2 + f.Path.Count(c => c == '/'); // its pages, its link, its directories
        }
        return (2 * (pages + 4) * Page) + Headroom;
    }

    /// <summary>Writes <paramref name="files"/> as the volume's new content in
    /// <paramref name="directory"/>, replacing what was there in one rename; with
    /// <paramref name="fsGroup"/>, owned by that group as the kubelet leaves them. Directories
    /// are 0755 whatever the umask of who writes (`podunits reload` from a root shell with
    /// umask 077 would leave non-root containers without their files), as the kubelet's atomic
    /// writer makes them. A write that fails leaves the content as it was: the new directory
    /// is removed, and so is any earlier one a crash left.</summary>
    public static void Write(string directory, IReadOnlyList<ProjectedFilePlan> files, DateTime now, uint? fsGroup)
    {
        ArgumentNullException.ThrowIfNull(files);
        string stamp = ".." + now.ToString("yyyy_MM_dd_HH_mm_ss.fffffff", CultureInfo.InvariantCulture);
        string data = Path.Combine(directory, stamp);
        try
        {
            WriteContent(data, files, fsGroup);
            string temporary = Path.Combine(directory, DataLink + "_tmp");
            File.Delete(temporary);
            File.CreateSymbolicLink(temporary, stamp);
            Rename(temporary, Path.Combine(directory, DataLink)); // the switch
        }
        catch
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
            throw;
        }
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
            bool own = old.Name.StartsWith("..", StringComparison.Ordinal);
            if (own ? old.Name == stamp || old.Name == DataLink : entries.Contains(old.Name))
            {
                continue;
            }
            if (old is DirectoryInfo && old.LinkTarget is null)
            {
                Directory.Delete(old.FullName, recursive: true); // an earlier content
            }
            else
            {
                File.Delete(old.FullName); // a link to an entry the new content no longer has (unlink: never its target)
            }
        }
    }

    private static void WriteContent(string data, IReadOnlyList<ProjectedFilePlan> files, uint? fsGroup)
    {
        MakeDirectory(data);
        foreach (ProjectedFilePlan file in files)
        {
            string path = Path.Combine(data, file.Path);
            string parent = data;
            foreach (string part in file.Path.Split('/')[..^1])
            {
                parent = Path.Combine(parent, part);
                if (!Directory.Exists(parent))
                {
                    MakeDirectory(parent);
                }
            }
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
    }

    private static void MakeDirectory(string path)
    {
        Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, DirectoryMode); // the umask is the caller's
    }

    /// <summary>rename(2) of a symlink over another (File.Move follows a link to a directory).</summary>
    private static void Rename(string from, string to) => Check.Io(LibcExtra.rename(from, to), "rename", to);
}
