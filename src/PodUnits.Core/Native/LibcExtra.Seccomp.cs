using System.Runtime.InteropServices;

namespace PodUnits.Core.Native;

#pragma warning disable CA1401 // raw libc calls are the public surface of LibcExtra, as in Tmds.LibC

// seccomp(2): glibc has no wrapper, so it goes through syscall(2) with this architecture's
// number (SyscallNumbers).
public static unsafe partial class LibcExtra
{
    public const uint SECCOMP_SET_MODE_FILTER = 1;

    /// <summary>struct sock_fprog: the instruction count and a pointer to struct sock_filter[].</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct SockFprog
    {
        public ushort Len;
        public byte* Filter;
    }

    /// <summary>seccomp(operation, flags, args); returns -1 and sets errno on failure.</summary>
    public static int seccomp(uint operation, uint flags, void* args) =>
        (int)syscall_seccomp(SyscallNumbers.Seccomp, operation, flags, args);

    [LibraryImport(Libc, EntryPoint = "syscall", SetLastError = true)]
    private static partial long syscall_seccomp(long number, ulong operation, ulong flags, void* args);
}
