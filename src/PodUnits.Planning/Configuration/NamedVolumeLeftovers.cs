using System.Runtime.InteropServices;
using System.Security.Cryptography;
using PodUnits.Core.Errors;
using PodUnits.Core.Native;

namespace PodUnits.Planning.Configuration;

/// <summary>
/// `podunits volume rm` first renames the volume's directory to a hidden sibling,
/// .removing-NAME-RANDOM, and deletes that: from the rename on, a pod that starts gets a fresh
/// empty directory under the volume's name, never a half-deleted one, and an rm cut short
/// leaves no half-volume under it either (volumes review of 2026-12-07, finding 3). `volume
/// list` and claim names (a DNS subdomain starts with a letter or digit) never take a hidden
/// name. What an interrupted rm left, the next `volume rm` of that name or `podunits gc`
/// removes. Each such directory is locked (flock on the directory itself) while it is
/// deleted, taken before the rename: an rm and a gc never delete the same one at once.
/// </summary>
internal static class NamedVolumeLeftovers
{
    public const string Prefix = ".removing-";

    /// <summary>The leftovers in <paramref name="root"/>, of <paramref name="volume"/> only or of all.</summary>
    public static List<string> In(string root, string? volume = null)
    {
        if (!Directory.Exists(root))
        {
            return [];
        }
        string pattern = volume is null ? $"{Prefix}*" : $"{Prefix}{volume}-*";
        return [.. Directory.EnumerateDirectories(root, pattern)
            .Where(d => volume is null || VolumeOf(Path.GetFileName(d)) == volume)
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>The volume a leftover's name says it was: NAME of .removing-NAME-RANDOM
    /// (RANDOM has no '-'; a claim name may).</summary>
    public static string? VolumeOf(string name)
    {
        int last = name.LastIndexOf('-');
        return name.StartsWith(Prefix, StringComparison.Ordinal) && last > Prefix.Length ? name[Prefix.Length..last] : null;
    }

    /// <summary>Renames <paramref name="path"/> aside and deletes it; returns where it went.
    /// The directory is locked before the rename, so no gc takes it meanwhile.</summary>
    public static string MoveAsideAndDelete(string path, Action<string> delete)
    {
        ArgumentNullException.ThrowIfNull(delete);
        string aside = $"{Path.GetDirectoryName(path)}/{Prefix}{Path.GetFileName(path)}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
        int fd = LockDirectory(path) ?? throw new PodUnitsException(path, "is locked by another removal");
        try
        {
            Directory.Move(path, aside); // rename(2): the same file system
            delete(aside);
        }
        finally
        {
            LibcExtra.close(fd);
        }
        return aside;
    }

    /// <summary>Deletes a leftover unless another removal is at it: false then, or when it is gone already.</summary>
    public static bool TryDelete(string leftover, Action<string> delete)
    {
        ArgumentNullException.ThrowIfNull(delete);
        if (LockDirectory(leftover) is not int fd)
        {
            return false;
        }
        try
        {
            if (!Directory.Exists(leftover))
            {
                return false; // deleted by the removal that held it until now
            }
            delete(leftover);
            return true;
        }
        finally
        {
            LibcExtra.close(fd);
        }
    }

    /// <summary>An exclusive flock on the directory itself, or null when another holds one
    /// (or the directory is gone).</summary>
    private static int? LockDirectory(string path)
    {
        int fd = LibcExtra.open(path, LibcExtra.O_RDONLY | LibcExtra.O_DIRECTORY | LibcExtra.O_NOFOLLOW | LibcExtra.O_CLOEXEC, 0);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            return errno == Tmds.Linux.LibC.ENOENT ? null : throw new NativeCallException("open", errno, path);
        }
        if (LibcExtra.flock(fd, LibcExtra.LOCK_EX | LibcExtra.LOCK_NB) == 0)
        {
            return fd;
        }
        int error = Marshal.GetLastPInvokeError();
        LibcExtra.close(fd);
        return error == LibcExtra.EWOULDBLOCK ? null : throw new NativeCallException("flock", error, path);
    }
}
