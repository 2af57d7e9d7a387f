using PodUnits.Runtime.Exec;
using PodUnits.Runtime.Plan;

namespace PodUnits.UnitTests.Runtime;

/// <summary>`podunits enter` asks for --allow-ptrace-window into a container that could trace
/// the entering process while it is still host root (stage 1 native review of 2026-12-07,
/// finding 1): CAP_SYS_PTRACE kept, not privileged, no user namespace.</summary>
public sealed class PtraceWindowTests
{
    private const int SysPtrace = 19;

    private static ContainerPlan Container(bool privileged, params int[] capabilities) => new()
    {
        Name = "app", LowerDir = "/l", LayerDir = "/c/app", WorkingDir = "/", Argv = ["sh"], Env = [],
        Privileged = privileged, Capabilities = [.. capabilities],
    };

    private static PodPlan Pod(ContainerPlan c, bool userNamespace) => new()
    {
        Name = "web", Hostname = "web", MachineId = "0123", StateDir = "/s", Containers = [c],
        Users = userNamespace ? new IdMapping(100_000, 65_536) : null,
    };

    [Fact]
    public void AContainerThatMayTraceWithoutAUserNamespaceIsExposed()
    {
        var c = Container(privileged: false, 0, SysPtrace);
        Assert.True(PtraceWindow.Exposes(Pod(c, userNamespace: false), c));
    }

    [Fact]
    public void AUserNamespaceAPrivilegedContainerOrNoSysPtraceIsNot()
    {
        var tracer = Container(privileged: false, SysPtrace);
        Assert.False(PtraceWindow.Exposes(Pod(tracer, userNamespace: true), tracer));
        var privileged = Container(privileged: true, SysPtrace, 21);
        Assert.False(PtraceWindow.Exposes(Pod(privileged, userNamespace: false), privileged));
        var plain = Container(privileged: false, 0, 1, 3);
        Assert.False(PtraceWindow.Exposes(Pod(plain, userNamespace: false), plain));
    }
}
