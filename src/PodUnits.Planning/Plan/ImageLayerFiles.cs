using System.Runtime.InteropServices;
using PodUnits.Core.Files;
using PodUnits.Core.Native;
using Tmds.Linux;

namespace PodUnits.Planning.Plan;

/// <summary>
/// Reads a small file of an image (its /etc/passwd, /etc/group) from the host, out of the
/// layer directories, as the container's overlay will show it: the top-most layer that has
/// an entry at the path decides. A whiteout there (a 0/0 character device, or an xattr
/// whiteout) or anything but a regular file (a FIFO, a device, a directory, a symlink,
/// which may point anywhere on the host) means there is no such file; a directory marked
/// opaque hides the layers below it. Only a regular file is read, opened
/// O_NOFOLLOW|O_NONBLOCK and checked again after the open, so that a FIFO in an image can
/// never make stage 0 wait.
/// </summary>
internal static class ImageLayerFiles
{
    private const long MaxBytes = 1 << 20;
    private const int XattrValueMax = 16;

    /// <summary>The file's text, or null when the image has none (or not one to read).
    /// <paramref name="lowerDirs"/>: overlayfs lowerdir= order, top layer first.</summary>
    public static string? Read(string lowerDirs, string relative)
    {
        string parent = Path.GetDirectoryName(relative) ?? "";
        foreach (string layer in lowerDirs.Split(':'))
        {
            string dir = parent.Length == 0 ? layer : Path.Combine(layer, parent);
            uint? dirType = TypeOf(dir, out _);
            if (dirType is null) continue; // this layer does not touch the directory
            if (dirType == FileTypes.Symlink) continue; // never through a symlink (a layer's /etc may point anywhere)
            if (dirType != FileTypes.Directory) return null; // the directory is whited out or replaced here
            string path = Path.Combine(layer, relative);
            uint? type = TypeOf(path, out bool whiteout);
            if (type == FileTypes.Regular && !whiteout)
            {
                return BoundedFile.ReadText(path, MaxBytes, out _, followSymlinks: false);
            }
            if (type is not null || Xattr(dir, "trusted.overlay.opaque") == "y") return null;
        }
        return null;
    }

    /// <summary>lstat's file type bits, null when nothing is there; <paramref name="whiteout"/>
    /// when it is an overlayfs whiteout (a 0/0 character device, or an xattr whiteout).</summary>
    private static unsafe uint? TypeOf(string path, out bool whiteout)
    {
        whiteout = false;
        using var p = new CString(path);
        stat status;
        if (LibC.lstat(p, &status) != 0)
        {
            int errno = LibC.errno;
            if (errno == LibC.ENOENT || errno == LibC.ENOTDIR) return null;
            throw new IOException($"{path}: lstat: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
        uint type = (uint)status.st_mode & FileTypes.Mask;
        whiteout = (type == FileTypes.CharDevice && (ulong)status.st_rdev == 0)
            || (type == FileTypes.Regular && status.st_size == 0 && Xattr(path, "trusted.overlay.whiteout") is not null);
        return type;
    }

    private static unsafe string? Xattr(string path, string name)
    {
        byte* buffer = stackalloc byte[XattrValueMax];
        nint n = LibcExtra.lgetxattr(path, name, buffer, XattrValueMax);
        return n < 0 ? null : System.Text.Encoding.UTF8.GetString(buffer, (int)n);
    }
}
