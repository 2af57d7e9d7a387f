using System.Runtime.InteropServices;

namespace PodUnits.Core.Native;

/// <summary>
/// Linux calls that Tmds.LibC 0.5.0 lacks, kept next to it with their raw C names.
/// Each returns the raw result; check it with <see cref="Check.Io(int, string, string?)"/>.
/// Calls Tmds.LibC has are used from it (Tmds.Linux.LibC), their byte* strings made with
/// <see cref="CString"/>.
/// </summary>
public static unsafe partial class LibcExtra
{
    private const string Libc = "libc";

    /// <summary>pivot_root(2) has no glibc wrapper; it is called through syscall(2).</summary>
    public static int pivot_root(string newRoot, string putOld) =>
        (int)syscall_ss(SyscallNumbers.PivotRoot, newRoot, putOld);

    [LibraryImport(Libc, EntryPoint = "syscall", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial long syscall_ss(long number, string a, string b);
}
