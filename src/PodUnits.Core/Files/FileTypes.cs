namespace PodUnits.Core.Files;

/// <summary>stat(2)'s file type bits (S_IFMT and the S_IF* values of sys/stat.h) and how a
/// message names each kind, for the places that check what a path is before using it.</summary>
public static class FileTypes
{
    public const uint Mask = 0xF000;
    public const uint Socket = 0xC000;
    public const uint Symlink = 0xA000;
    public const uint Regular = 0x8000;
    public const uint BlockDevice = 0x6000;
    public const uint Directory = 0x4000;
    public const uint CharDevice = 0x2000;
    public const uint Fifo = 0x1000;

    /// <summary>The file type bits of what <paramref name="path"/> leads to (symlinks
    /// followed), or null when nothing does (a dangling symlink too).</summary>
    public static unsafe uint? Of(string path)
    {
        using var p = new Native.CString(path);
        Tmds.Linux.stat status;
        if (Tmds.Linux.LibC.stat(p, &status) == 0)
        {
            return (uint)status.st_mode & Mask;
        }
        int errno = Tmds.Linux.LibC.errno;
        return errno == Tmds.Linux.LibC.ENOENT ? null
            : throw new Errors.PodUnitsException(path, $"stat: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)}");
    }

    /// <summary>"a directory", "a FIFO"...: the kind of file <paramref name="type"/> (masked) is.</summary>
    public static string Describe(uint type) => type switch
    {
        Directory => "a directory",
        Regular => "a file",
        Socket => "a socket",
        CharDevice => "a character device",
        BlockDevice => "a block device",
        Fifo => "a FIFO",
        Symlink => "a symlink",
        _ => "another kind of file",
    };
}
