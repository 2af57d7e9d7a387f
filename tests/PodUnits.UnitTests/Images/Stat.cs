using System.Runtime.InteropServices;
using System.Text;

namespace PodUnits.UnitTests.Images;

/// <summary>lstat and lgetxattr for assertions (x86_64 struct stat layout).</summary>
internal static unsafe partial class Stat
{
    public const int S_IFCHR = 0x2000, S_IFIFO = 0x1000, S_IFREG = 0x8000, S_IFDIR = 0x4000;

    public static int Mode(string path) => (int)BitConverter.ToUInt32(Raw(path), 24) & 0xFFF;

    private static byte[] Raw(string path)
    {
        byte[] buf = new byte[256];
        fixed (byte* p = buf)
        {
            if (lstat(path, p) != 0) throw new IOException($"lstat {path} failed: {Marshal.GetLastPInvokeError()}");
        }
        return buf;
    }

    /// <summary>st_uid and st_gid.</summary>
    public static (uint Uid, uint Gid) Owner(string path)
    {
        byte[] raw = Raw(path);
        return (BitConverter.ToUInt32(raw, 28), BitConverter.ToUInt32(raw, 32));
    }

    public static int Type(string path) => (int)BitConverter.ToUInt32(Raw(path), 24) & 0xF000;

    public static ulong Rdev(string path) => BitConverter.ToUInt64(Raw(path), 40);

    public static long LinkCount(string path) => BitConverter.ToInt64(Raw(path), 16);

    public static string? GetXattr(string path, string name) =>
        GetXattrBytes(path, name) is { } value ? Encoding.UTF8.GetString(value) : null;

    /// <summary>The value as stored, or null when there is none.</summary>
    public static byte[]? GetXattrBytes(string path, string name)
    {
        byte[] buf = new byte[256];
        fixed (byte* p = buf)
        {
            nint n = lgetxattr(path, name, p, 256);
            return n < 0 ? null : buf[..(int)n];
        }
    }

    [LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Chown(string path, uint uid, uint gid);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int lstat(string path, byte* buf);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint lgetxattr(string path, string name, byte* value, nuint size);
}
