namespace PodUnits.Runtime.Confinement.Seccomp;

/// <summary>
/// The names a profile may use and the numbers libseccomp and the kernel give them
/// (seccomp.h of libseccomp 2.5.4; seccomp(2) "SECCOMP_RET_*").
/// </summary>
internal static class SeccompNames
{
    public const uint ActKillThread = 0x00000000;
    public const uint ActKillProcess = 0x80000000;
    public const uint ActTrap = 0x00030000;
    public const uint ActErrnoBase = 0x00050000;
    public const uint ActTraceBase = 0x7ff00000;
    public const uint ActLog = 0x7ffc0000;
    public const uint ActAllow = 0x7fff0000;

    public const uint EPERM = 1;
    public const uint ENOSYS = 38;

    /// <summary>Linux's MAX_ERRNO: larger values are not error numbers to the C library.</summary>
    public const uint MaxErrno = 4095;

    /// <summary>Action names (OCI runtime-spec) and their value; ERRNO and TRACE take errnoRet.
    /// SCMP_ACT_KILL is the thread, as in libseccomp and runc.</summary>
    private static readonly Dictionary<string, uint> Actions = new(StringComparer.Ordinal)
    {
        ["SCMP_ACT_KILL"] = ActKillThread,
        ["SCMP_ACT_KILL_THREAD"] = ActKillThread,
        ["SCMP_ACT_KILL_PROCESS"] = ActKillProcess,
        ["SCMP_ACT_TRAP"] = ActTrap,
        ["SCMP_ACT_ERRNO"] = ActErrnoBase,
        ["SCMP_ACT_TRACE"] = ActTraceBase,
        ["SCMP_ACT_LOG"] = ActLog,
        ["SCMP_ACT_ALLOW"] = ActAllow,
    };

    /// <summary>enum scmp_compare.</summary>
    private static readonly Dictionary<string, int> Operators = new(StringComparer.Ordinal)
    {
        ["SCMP_CMP_NE"] = 1,
        ["SCMP_CMP_LT"] = 2,
        ["SCMP_CMP_LE"] = 3,
        ["SCMP_CMP_EQ"] = 4,
        ["SCMP_CMP_GE"] = 5,
        ["SCMP_CMP_GT"] = 6,
        ["SCMP_CMP_MASKED_EQ"] = 7,
    };

    /// <summary>The OCI architecture names (runtime-spec config-linux.md); libseccomp's own name is
    /// the lower-case rest (SCMP_ARCH_X86_64 = "x86_64").</summary>
    private static readonly HashSet<string> Architectures = new(StringComparer.Ordinal)
    {
        "SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64",
        "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL",
        "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64",
        "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X", "SCMP_ARCH_PARISC",
        "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64", "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K",
        "SCMP_ARCH_SH", "SCMP_ARCH_SHEB",
    };

    public static bool IsAction(string name) => Actions.ContainsKey(name);

    public static bool TakesErrno(string action) => action is "SCMP_ACT_ERRNO" or "SCMP_ACT_TRACE";

    /// <summary>The action's value with its errno (EPERM when none is given, as runc does).</summary>
    public static uint Action(string name, uint? errnoRet) =>
        TakesErrno(name) ? Actions[name] | (errnoRet ?? EPERM) : Actions[name];

    /// <summary>Actions that let the syscall run: runc adds no ENOSYS stub for such a default.</summary>
    public static bool LetsThrough(uint action) =>
        action is ActAllow or ActLog || (action & 0xffff0000) == ActTraceBase;

    public static bool IsOperator(string name) => Operators.ContainsKey(name);

    public static int Operator(string name) => Operators[name];

    public static bool IsArchitecture(string name) => Architectures.Contains(name);

    /// <summary>"SCMP_ARCH_X86_64" to libseccomp's "x86_64".</summary>
    public static string LibSeccompArchitecture(string name) => name["SCMP_ARCH_".Length..].ToLowerInvariant();
}
