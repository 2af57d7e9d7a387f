using System.Formats.Tar;
using PodUnits.Core.Native;
using Tmds.Linux;

namespace PodUnits.Images.Unpack;

/// <summary>
/// What an image archive (the outer tar of an OCI archive or a docker-save archive) may
/// hold: regular files, directories, symlinks whose target stays inside the archive
/// (docker-save repeats a layer as a relative symlink to an earlier one) and hardlinks
/// (their targets are checked to be inside by the unpacker). A FIFO would hang the import
/// when read, a device node would read the host's device, a link out would read a host
/// file: each refuses the whole archive, naming the member. Symlinks are checked twice:
/// lexically as they arrive (<see cref="Check"/>), and once all exist by the kernel's own
/// resolution (<see cref="CheckLinks"/>), because a chain of links that each stay inside
/// lexically can still lead out ("x/y/s" -> "../.." plus "t" -> "x/y/s/..").
/// </summary>
internal static class ArchiveMembers
{
    public static void Check(TarEntry entry, string relative)
    {
        switch (entry.EntryType)
        {
            case TarEntryType.Directory or TarEntryType.RegularFile or TarEntryType.V7RegularFile
                or TarEntryType.ContiguousFile or TarEntryType.HardLink:
                return;
            case TarEntryType.SymbolicLink:
                if (!StaysInside(relative, entry.LinkName))
                    throw SafePaths.Refuse(entry.Name, $"it is a symlink to '{entry.LinkName}', outside the archive");
                return;
            default:
                throw SafePaths.Refuse(entry.Name, $"it is {Describe(entry.EntryType)}; an image archive holds only regular files, directories and links inside it");
        }
    }

    /// <summary>Whether a relative symlink at <paramref name="relative"/> resolves, lexically,
    /// to the archive root or a path inside it. Absolute targets never do.</summary>
    public static bool StaysInside(string relative, string target)
    {
        if (target.Length == 0 || target.StartsWith('/')) return false;
        (string parent, _) = SafePaths.Split(relative);
        return SafePaths.Clean(parent.Length == 0 ? target : parent + "/" + target) is not null;
    }

    private static string Describe(TarEntryType type) => type switch
    {
        TarEntryType.Fifo => "a FIFO",
        TarEntryType.CharacterDevice => "a character device",
        TarEntryType.BlockDevice => "a block device",
        _ => $"a tar entry of type {type}",
    };

    /// <summary>Refuses the unpacked archive at <paramref name="root"/> if any symlink in it
    /// resolves (realpath(3)) outside it. Dangling links lead nowhere and may stay.</summary>
    public static void CheckLinks(string root)
    {
        string realRoot = LibcExtra.realpath(root) ?? root;
        var pending = new Stack<string>([root]);
        while (pending.TryPop(out string? dir))
        {
            foreach (string path in Directory.EnumerateFileSystemEntries(dir))
            {
                mode_t type = SafePaths.TypeOf(path);
                if (type == LibC.S_IFDIR) pending.Push(path);
                if (type != LibC.S_IFLNK) continue;
                string? real = LibcExtra.realpath(path);
                if (real is not null && real != realRoot && !real.StartsWith(realRoot + "/", StringComparison.Ordinal))
                    throw SafePaths.Refuse(path[(root.Length + 1)..], $"it is a symlink that leads to '{real}', outside the archive");
            }
        }
    }
}
