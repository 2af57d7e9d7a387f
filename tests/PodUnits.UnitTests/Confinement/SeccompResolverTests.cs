using PodUnits.Runtime.Confinement.Seccomp;
using PodUnits.Runtime.Plan;

namespace PodUnits.UnitTests.Confinement;

/// <summary>RuntimeDefault's includes/excludes decided for a host and a bounding set, checked on
/// the rule list libseccomp is given (no libseccomp needed).</summary>
public sealed class SeccompResolverTests
{
    private static readonly SeccompHost Amd64 = new("amd64", "SCMP_ARCH_X86_64", new Version(6, 1));
    private const uint Allow = 0x7fff0000;
    private const uint ErrnoEnosys = 0x00050000 | 38;

    private static ResolvedSeccompFilter Resolve(SeccompHost host, params string[] add) =>
        SeccompResolver.Resolve(SeccompProfiles.RuntimeDefault, host, Capabilities.BoundingSet(false, add, []));

    private static ResolvedSeccompFilter Resolve(params string[] add) => Resolve(Amd64, add);

    private static List<ResolvedSeccompRule> Rules(ResolvedSeccompFilter f, string name) => [.. f.Rules.Where(r => r.Name == name)];

    private static bool AllowsOutright(ResolvedSeccompFilter f, string name) =>
        Rules(f, name).Any(r => r.Action == Allow && r.Args.Count == 0);

    [Theory]
    [InlineData("mount")]
    [InlineData("umount2")]
    [InlineData("unshare")]
    [InlineData("setns")]
    [InlineData("sethostname")]
    [InlineData("bpf")]
    [InlineData("fsopen")]
    public void AdministrationOnlyWithSysAdmin(string name)
    {
        Assert.Empty(Rules(Resolve(), name));
        Assert.True(AllowsOutright(Resolve("SYS_ADMIN"), name));
    }

    [Fact]
    public void CloneWithoutSysAdminOnlyWithoutNamespaceFlags()
    {
        ResolvedSeccompRule clone = Assert.Single(Rules(Resolve(), "clone"));
        SeccompArgument mask = Assert.Single(clone.Args);
        Assert.Equal((0u, 0x7E020000ul, 0ul, "SCMP_CMP_MASKED_EQ"), (mask.Index, mask.Value, mask.ValueTwo, mask.Op));
        Assert.True(AllowsOutright(Resolve("SYS_ADMIN"), "clone"));
        Assert.DoesNotContain(Rules(Resolve("SYS_ADMIN"), "clone"), r => r.Args.Count > 0);
    }

    [Fact]
    public void Clone3AnswersEnosysWithoutSysAdminSoGlibcFallsBack()
    {
        Assert.Equal(ErrnoEnosys, Assert.Single(Rules(Resolve(), "clone3")).Action);
        Assert.Equal(Allow, Assert.Single(Rules(Resolve("SYS_ADMIN"), "clone3")).Action);
    }

    [Fact]
    public void PtraceFromLinux48OrWithSysPtrace()
    {
        var old = Amd64 with { Kernel = new Version(4, 4) };
        Assert.True(AllowsOutright(Resolve(), "ptrace"));
        Assert.Empty(Rules(Resolve(old), "ptrace"));
        Assert.True(AllowsOutright(Resolve(old, "SYS_PTRACE"), "ptrace"));
        Assert.Empty(Rules(Resolve(), "pidfd_getfd"));
        Assert.True(AllowsOutright(Resolve("SYS_PTRACE"), "kcmp"));
    }

    [Theory]
    [InlineData("open_by_handle_at", "DAC_READ_SEARCH")]
    [InlineData("reboot", "SYS_BOOT")]
    [InlineData("init_module", "SYS_MODULE")]
    [InlineData("acct", "SYS_PACCT")]
    [InlineData("iopl", "SYS_RAWIO")]
    [InlineData("clock_settime", "SYS_TIME")]
    [InlineData("vhangup", "SYS_TTY_CONFIG")]
    [InlineData("mbind", "SYS_NICE")]
    [InlineData("syslog", "SYSLOG")]
    [InlineData("bpf", "BPF")]
    [InlineData("perf_event_open", "PERFMON")]
    public void CapabilityEntriesNeedTheirCapability(string name, string capability)
    {
        Assert.Empty(Rules(Resolve(), name));
        Assert.True(AllowsOutright(Resolve(capability), name));
    }

    [Fact]
    public void ChrootComesWithDockersDefaultSysChroot() => Assert.True(AllowsOutright(Resolve(), "chroot"));

    [Theory]
    [InlineData("keyctl")]
    [InlineData("add_key")]
    [InlineData("request_key")]
    [InlineData("kexec_load")]
    [InlineData("userfaultfd")]
    [InlineData("io_uring_setup")]
    [InlineData("pivot_root")]
    public void NeverAllowedEvenWithEveryCapability(string name) =>
        Assert.Empty(Rules(SeccompResolver.Resolve(SeccompProfiles.RuntimeDefault, Amd64, Capabilities.BoundingSet(true, null, null)), name));

    [Fact]
    public void PersonalityOnlyForItsSafeValues()
    {
        ulong[] values = [.. Rules(Resolve(), "personality").Select(r => Assert.Single(r.Args)).Select(a => a.Value)];
        Assert.Equal([0ul, 8, 0x20000, 0x20008, 0xffffffff], values);
    }

    [Fact]
    public void SocketRefusesAlgAndVsock()
    {
        ulong[] equal = [.. Rules(Resolve(), "socket").Select(r => Assert.Single(r.Args)).Where(a => a.Op == "SCMP_CMP_EQ").Select(a => a.Value)];
        Assert.Contains(16ul, equal); // AF_NETLINK
        Assert.DoesNotContain(38ul, equal);
        Assert.DoesNotContain(40ul, equal);
        Assert.Contains(Rules(Resolve(), "socket"), r => r.Args[0] is { Op: "SCMP_CMP_LT", Value: 12 });
    }

    [Fact]
    public void ArchitectureEntriesFollowTheHost()
    {
        var arm64 = new SeccompHost("arm64", "SCMP_ARCH_AARCH64", new Version(6, 1));
        Assert.True(AllowsOutright(Resolve(), "arch_prctl"));
        Assert.Empty(Rules(Resolve(arm64), "arch_prctl"));
        Assert.True(AllowsOutright(Resolve(arm64), "cacheflush"));
        Assert.Equal(["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"], Resolve().Architectures);
        Assert.Equal(["SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"], Resolve(arm64).Architectures);
    }

    [Fact]
    public void ExcludedArchitectureDropsTheRule()
    {
        var s390x = new SeccompHost("s390x", "SCMP_ARCH_S390X", new Version(6, 1));
        Assert.Equal(1u, Assert.Single(Assert.Single(Rules(Resolve(s390x), "clone")).Args).Index);
    }

    [Fact]
    public void OciArchitecturesReplaceTheArchMapAndKeepTheNativeOne()
    {
        SeccompProfile p = SeccompProfiles.Parse("""{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86"]}""", "p");
        Assert.Equal(["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"], SeccompResolver.Resolve(p, Amd64, []).Architectures);
    }

    [Fact]
    public void ExcludedMinKernelDropsTheRuleFromThatKernelOn()
    {
        SeccompProfile p = SeccompProfiles.Parse(
            """{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["uselib"],"action":"SCMP_ACT_ALLOW","excludes":{"minKernel":"5.10"}}]}""", "p");
        Assert.Single(SeccompResolver.Resolve(p, Amd64 with { Kernel = new Version(5, 4) }, []).Rules);
        Assert.Empty(SeccompResolver.Resolve(p, Amd64 with { Kernel = new Version(5, 10) }, []).Rules);
    }

    [Fact]
    public void DefaultActionCarriesItsErrno() => Assert.Equal(0x00050001u, Resolve().DefaultAction);
}
