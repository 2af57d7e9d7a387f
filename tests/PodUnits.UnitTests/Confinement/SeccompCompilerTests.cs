using System.Diagnostics;
using PodUnits.Runtime.Confinement.Seccomp;
using PodUnits.Runtime.Plan;
using Xunit.Abstractions;

namespace PodUnits.UnitTests.Confinement;

/// <summary>RuntimeDefault compiled by this machine's libseccomp (2.5.4 on Debian 12), read back
/// through libseccomp's PFC text.</summary>
public sealed class SeccompCompilerTests(ITestOutputHelper output)
{
    private static readonly List<int> DefaultSet = Capabilities.BoundingSet(false, [], []);

    private static string Describe(params string[] add) =>
        SeccompCompiler.Describe(SeccompProfiles.RuntimeDefault, Capabilities.BoundingSet(false, add, []));

    /// <summary>The PFC lines of the x86_64 part of the filter (before the i386 part).</summary>
    private static string Native(string pfc) => pfc[..pfc.IndexOf("# filter for arch x86 ", StringComparison.Ordinal)];

    [Fact]
    public void MountIsInTheFilterOnlyWithSysAdmin()
    {
        Assert.DoesNotContain("\"mount\"", Describe(), StringComparison.Ordinal);
        Assert.Contains("# filter for syscall \"mount\" (165)", Native(Describe("SYS_ADMIN")), StringComparison.Ordinal);
    }

    [Fact]
    public void Clone3AnswersEnosysOnlyWithoutSysAdmin()
    {
        Assert.Contains("action ERRNO(38);", Native(Describe()), StringComparison.Ordinal);
        Assert.DoesNotContain("action ERRNO(38);", Describe("SYS_ADMIN"), StringComparison.Ordinal);
    }

    [Fact]
    public void CloneChecksTheNamespaceMask() =>
        Assert.Contains("if ($a0.lo32 & 0x7e020000 == 0)", Native(Describe()), StringComparison.Ordinal);

    [Fact]
    public void CoversTheThreeX86AbisRefusesWithEpermAndKillsOtherAbis()
    {
        string pfc = Describe();
        Assert.Contains("# filter for arch x86_64 ", pfc, StringComparison.Ordinal);
        Assert.Contains("# filter for arch x86 ", pfc, StringComparison.Ordinal);
        Assert.Contains("# filter for arch x32 ", pfc, StringComparison.Ordinal);
        Assert.Contains("# default action\n  action ERRNO(1);", pfc, StringComparison.Ordinal);
        Assert.Contains("# invalid architecture action\naction KILL;", pfc, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyctlIsNotInTheFilterSoItGetsTheDefault() => Assert.DoesNotContain("\"keyctl\"", Describe("SYS_ADMIN"), StringComparison.Ordinal);

    [Fact]
    public void NamesLibseccompDoesNotKnowAreSkippedAndSaidSo()
    {
        SeccompProfile p = SeccompProfiles.Parse(
            """{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["getpid","podunits_no_such_call"],"action":"SCMP_ACT_ALLOW"}]}""", "test");
        string pfc = SeccompCompiler.Describe(p, []);
        Assert.Contains("# unknown to libseccomp, skipped: podunits_no_such_call", pfc, StringComparison.Ordinal);
        Assert.Contains("# filter for syscall \"getpid\" (39)", pfc, StringComparison.Ordinal);
        Assert.Contains("# prefix: native syscalls numbered above 39 return ENOSYS", pfc, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SCMP_ACT_ERRNO", "SCMP_ACT_ALLOW", true)]
    [InlineData("SCMP_ACT_KILL_PROCESS", "SCMP_ACT_ALLOW", true)]
    [InlineData("SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", false)]
    [InlineData("SCMP_ACT_LOG", "SCMP_ACT_ERRNO", false)]
    public void OnlyARefusingDefaultGetsTheEnosysPrefix(string defaultAction, string ruleAction, bool prefixed)
    {
        SeccompProfile p = SeccompProfiles.Parse(
            $$"""{"defaultAction":"{{defaultAction}}","syscalls":[{"names":["getpid"],"action":"{{ruleAction}}"}]}""", "test");
        Assert.Equal(prefixed, SeccompCompiler.Describe(p, []).Contains("# prefix", StringComparison.Ordinal));
        Assert.Equal(prefixed, HasEnosysPrefix(SeccompCompiler.Compile(p, [])));
    }

    /// <summary>The x86_64 prefix: instruction 3 tests the x32 bit, instruction 5 returns ERRNO(ENOSYS).</summary>
    private static bool HasEnosysPrefix(byte[] bpf) =>
        BitConverter.ToUInt16(bpf, 3 * 8) == 0x45 && BitConverter.ToUInt32(bpf, 3 * 8 + 4) == 0x40000000
        && BitConverter.ToUInt16(bpf, 5 * 8) == 0x06 && BitConverter.ToUInt32(bpf, 5 * 8 + 4) == 0x00050026;

    [Fact]
    public void RepeatedArgumentIndexesBecomeOneRuleEachAsInRunc()
    {
        SeccompProfile p = SeccompProfiles.Parse("""
            {"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["socket"],"action":"SCMP_ACT_ALLOW",
             "args":[{"index":0,"value":1,"op":"SCMP_CMP_EQ"},{"index":0,"value":2,"op":"SCMP_CMP_EQ"}]}]}
            """, "test");
        string pfc = Native(SeccompCompiler.Describe(p, []) + "# filter for arch x86 ");
        Assert.Contains("if ($a0.lo32 == 1)", pfc, StringComparison.Ordinal);
        Assert.Contains("if ($a0.lo32 == 2)", pfc, StringComparison.Ordinal);
    }

    [Fact]
    public void ProgramIsWholeInstructionsWithinTheKernelsLimitAndMeasured()
    {
        _ = SeccompCompiler.Compile(SeccompProfiles.RuntimeDefault, DefaultSet); // loads libseccomp, JIT
        var wall = new List<double>();
        TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime;
        byte[] program = [];
        const int Runs = 10;
        for (int i = 0; i < Runs; i++)
        {
            long start = Stopwatch.GetTimestamp();
            program = SeccompCompiler.Compile(SeccompProfiles.RuntimeDefault, DefaultSet);
            wall.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        double cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / Runs;
        wall.Sort();
        output.WriteLine($"RuntimeDefault, Docker's default capabilities: {program.Length} bytes = {program.Length / 8} instructions; " +
            $"compile median {wall[Runs / 2]:F1} ms wall (min {wall[0]:F1}), {cpuMs:F1} ms CPU per compile (process CPU, {Runs} runs)");
        Assert.Equal(0, program.Length % 8);
        Assert.InRange(program.Length / 8, 100, 4096);
    }

    [Fact]
    public void AProfileTooBigForTheKernelIsRefusedAtPlanTime()
    {
        string rules = string.Join(",", Enumerable.Range(0, 5000).Select(i =>
            $$"""{"names":["ioctl"],"action":"SCMP_ACT_ALLOW","args":[{"index":1,"value":{{i}},"op":"SCMP_CMP_EQ"}]}"""));
        SeccompProfile p = SeccompProfiles.Parse($$"""{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{{rules}}]}""", "big.json");
        var e = Assert.Throws<PodUnits.Core.Errors.BadInputException>(() => SeccompCompiler.Compile(p, []));
        Assert.Equal("seccomp profile big.json", e.What);
        Assert.Contains("the kernel takes at most 4096 (BPF_MAXINSNS)", e.Why, StringComparison.Ordinal);
    }
}
