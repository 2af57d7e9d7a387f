using System.Runtime.InteropServices;

namespace PodUnits.Runtime.Confinement.Seccomp;

/// <summary>
/// A few classic-BPF instructions put in front of libseccomp's program: a native-architecture
/// syscall numbered above every syscall the filter names returns ENOSYS instead of the default
/// action (runc's libcontainer/seccomp/patchbpf does the same). Such a syscall is newer than the
/// profile or than libseccomp (2.5.4 does not know fchmodat2, cachestat, mseal ... of this
/// 6.x kernel); ENOSYS makes glibc fall back to the older call, where EPERM would fail it.
/// Only for a default action that refuses: with an allow-by-default profile new syscalls stay
/// allowed. The x32 ABI (bit 30 set) and other architectures go straight to libseccomp's program,
/// which starts by loading the architecture again, so nothing in it changes.
/// </summary>
internal static class EnosysPrefix
{
    private const uint AuditArchX86_64 = 0xC000003E;
    private const uint X32SyscallBit = 0x40000000;

    // linux/bpf_common.h
    private const ushort LdWAbs = 0x20;
    private const ushort JmpJeqK = 0x15;
    private const ushort JmpJgtK = 0x25;
    private const ushort JmpJsetK = 0x45;
    private const ushort RetK = 0x06;

    // struct seccomp_data: int nr at 0, __u32 arch at 4.
    private const uint OffsetNr = 0;
    private const uint OffsetArch = 4;

    [StructLayout(LayoutKind.Sequential)]
    private struct SockFilter
    {
        public ushort Code;
        public byte Jt;
        public byte Jf;
        public uint K;

        public SockFilter(ushort code, byte jt, byte jf, uint k) => (Code, Jt, Jf, K) = (code, jt, jf, k);
    }

    /// <summary>The prefix, or nothing when <paramref name="defaultAction"/> lets syscalls through or
    /// the filter names no native syscall.</summary>
    public static byte[] Build(uint nativeArch, int highestNative, uint defaultAction)
    {
        if (highestNative < 0 || SeccompNames.LetsThrough(defaultAction)) return [];
        bool x86_64 = nativeArch == AuditArchX86_64;
        SockFilter[] code = x86_64
            ?
            [
                new(LdWAbs, 0, 0, OffsetArch),
                new(JmpJeqK, 0, 4, nativeArch),           // another ABI: on to libseccomp
                new(LdWAbs, 0, 0, OffsetNr),
                new(JmpJsetK, 2, 0, X32SyscallBit),       // x32: on to libseccomp
                new(JmpJgtK, 0, 1, (uint)highestNative),
                new(RetK, 0, 0, SeccompNames.ActErrnoBase | SeccompNames.ENOSYS),
            ]
            :
            [
                new(LdWAbs, 0, 0, OffsetArch),
                new(JmpJeqK, 0, 3, nativeArch),
                new(LdWAbs, 0, 0, OffsetNr),
                new(JmpJgtK, 0, 1, (uint)highestNative),
                new(RetK, 0, 0, SeccompNames.ActErrnoBase | SeccompNames.ENOSYS),
            ];
        return MemoryMarshal.AsBytes(code.AsSpan()).ToArray();
    }
}
