using System.Runtime.InteropServices;

namespace PodUnits.Runtime.Confinement.Seccomp;

/// <summary>
/// What a profile's includes/excludes are judged against on this machine: the native
/// architecture as Docker's "arches" name it (moby's goToNative table: amd64, arm64, x86 ...) and
/// as the "archMap" names it (SCMP_ARCH_X86_64 ...), and the running kernel's MAJOR.MINOR.
/// </summary>
internal sealed record SeccompHost(string DockerArch, string ScmpArch, Version Kernel)
{
    public static SeccompHost Current { get; } = Detect();

    private static SeccompHost Detect()
    {
        (string docker, string scmp) = RuntimeInformation.OSArchitecture switch
        {
            Architecture.X64 => ("amd64", "SCMP_ARCH_X86_64"),
            Architecture.Arm64 => ("arm64", "SCMP_ARCH_AARCH64"),
            Architecture.X86 => ("x86", "SCMP_ARCH_X86"),
            Architecture.Arm or Architecture.Armv6 => ("arm", "SCMP_ARCH_ARM"),
            Architecture.S390x => ("s390x", "SCMP_ARCH_S390X"),
            Architecture.Ppc64le => ("ppc64le", "SCMP_ARCH_PPC64LE"),
            Architecture.RiscV64 => ("riscv64", "SCMP_ARCH_RISCV64"),
            Architecture.LoongArch64 => ("loongarch64", "SCMP_ARCH_LOONGARCH64"),
            Architecture other => throw new PlatformNotSupportedException($"seccomp: no architecture name for {other}"),
        };
        // .NET takes Environment.OSVersion from uname(2)'s release ("6.18.44-..." is 6.18.44).
        Version v = Environment.OSVersion.Version;
        return new SeccompHost(docker, scmp, new Version(v.Major, Math.Max(v.Minor, 0)));
    }
}
