using System.Runtime.InteropServices;

namespace PodUnits.Core.Native;

/// <summary>
/// Numbers of the older syscalls PodUnits calls through syscall(2) that differ per
/// architecture (x86_64: arch/x86/entry/syscalls/syscall_64.tbl; arm64 uses the generic
/// table, include/uapi/asm-generic/unistd.h). Syscalls added since Linux 5.1 (number 424 and
/// up: open_tree, openat2, mount_setattr...) have one number everywhere and are constants
/// next to their callers. The release build targets linux-x64 and linux-arm64 only.
/// </summary>
public static class SyscallNumbers
{
    public static long PivotRoot => Pick(x64: 155, arm64: 41);

    public static long Seccomp => Pick(x64: 317, arm64: 277);

    public static long Getdents64 => Pick(x64: 217, arm64: 61);

    /// <summary>The number for the architecture this process runs on.</summary>
    public static long Pick(long x64, long arm64) => Pick(RuntimeInformation.ProcessArchitecture, x64, arm64);

    public static long Pick(Architecture architecture, long x64, long arm64) => architecture switch
    {
        Architecture.X64 => x64,
        Architecture.Arm64 => arm64,
        _ => throw new PlatformNotSupportedException($"PodUnits has no syscall table for {architecture}"),
    };
}
