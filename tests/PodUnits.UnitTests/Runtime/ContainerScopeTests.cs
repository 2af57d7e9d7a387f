using PodUnits.Runtime.Executor;
using PodUnits.Runtime.Plan;
using PodUnits.Systemd.Units;

namespace PodUnits.UnitTests.Runtime;

/// <summary>The properties of a container's scope that keep systemd from acting on the
/// container behind its pod's back, and keep its limits what Kubernetes makes them (systemd
/// review of 2026-12-07, findings 1, 2 and 5).</summary>
public sealed class ContainerScopeTests
{
    private static PodPlan Pod(int grace, params ContainerPlan[] containers) => new()
    {
        Name = "web", Hostname = "web", MachineId = "00112233445566778899aabbccddeeff", StateDir = "/var/lib/podunits/pods/web",
        TerminationGracePeriodSeconds = grace, Containers = [.. containers],
    };

    private static ContainerPlan Container(string name, ulong? memory = null, bool sidecar = false) =>
        new() { Name = name, LowerDir = "/l", LayerDir = "/d", MemoryMaxBytes = memory, Init = sidecar, Sidecar = sidecar };

    [Fact]
    public void TheExecutorControlsTheScopeWhenItHasABusName()
    {
        PodPlan pod = Pod(30, Container("app"));
        TransientUnitProperties properties = ContainerUnits.ScopeProperties(pod, pod.Containers[0], ":1.42");
        Assert.Equal(":1.42", properties.Controller);
        Assert.Contains("Controller (s)", properties.ToProperties().Select(p => p.ToString()));
        Assert.Null(ContainerUnits.ScopeProperties(pod, pod.Containers[0], null).Controller); // systemd's default: it signals
    }

    [Fact]
    public void SystemdWaitsForThePodsOwnStopBeforeItKills()
    {
        // grace + 15 s, and 4 s per sidecar: what pod@.service's TimeoutStopSec= is made of.
        PodPlan pod = Pod(30, Container("log", sidecar: true), Container("app"));
        Assert.Equal((ulong)pod.StopTimeoutSeconds() * 1_000_000, ContainerUnits.ScopeProperties(pod, pod.Containers[1], ":1.42").TimeoutStopUSec);
        Assert.Equal(49_000_000UL, ContainerUnits.ScopeProperties(pod, pod.Containers[0], ":1.42").TimeoutStopUSec);
    }

    [Fact]
    public void NoContainerSwapsWithOrWithoutAMemoryLimit()
    {
        PodPlan pod = Pod(30, Container("limited", memory: 16 << 20), Container("free"));
        Assert.All(pod.Containers, c => Assert.Equal(0UL, ContainerUnits.ScopeProperties(pod, c, null).MemorySwapMax));
        Assert.Equal(16UL << 20, ContainerUnits.ScopeProperties(pod, pod.Containers[0], null).MemoryMax);
    }

    [Fact]
    public void CpuRequestsSurviveThePlansJson()
    {
        PodPlan pod = Pod(30, new ContainerPlan { Name = "app", LowerDir = "/l", LayerDir = "/d", CpuRequestMillicores = 500 });
        PodPlan copy = PodPlan.FromJson(new PodPlan
        {
            Name = pod.Name, Hostname = pod.Hostname, MachineId = pod.MachineId, StateDir = pod.StateDir,
            CpuRequestMillicores = 500, Containers = pod.Containers,
        }.ToJson(), "plan");
        Assert.Equal(500UL, copy.CpuRequestMillicores);
        Assert.Equal(500UL, copy.Containers[0].CpuRequestMillicores);
        Assert.Equal(20UL, ContainerUnits.ScopeProperties(copy, copy.Containers[0], null).CpuWeight);
    }

    /// <summary>Packaging review of 2026-12-07, finding 1: at shutdown a scope's stop (a
    /// RequestStop to the executor) must come before the bus's, and an ad-hoc pod's scope,
    /// whose executor also unregisters the pod, before machined's too.</summary>
    [Fact]
    public void ScopesStopBeforeTheBusTheyAreStoppedThrough()
    {
        PodPlan pod = Pod(30, Container("app"));
        TransientUnitProperties scope = ContainerUnits.ScopeProperties(pod, pod.Containers[0], ":1.42");
        Assert.Equal(["dbus.service"], scope.After);
        Assert.Contains("After (as)", scope.ToProperties().Select(p => p.ToString()));
        Assert.Equal(["dbus.service", "systemd-machined.service"], AdHocScope.Properties(pod).After);
    }

    /// <summary>RequestStop names the scope by its object path: systemd's bus_label_escape.</summary>
    [Fact]
    public void AScopesObjectPathIsSystemds() =>
        Assert.Equal("/org/freedesktop/systemd1/unit/podunits_2dmy_5cx2dpod_2dweb_2escope",
            SystemdManager.UnitObjectPath(ContainerUnits.ScopeName("my-pod", "web")));
}
