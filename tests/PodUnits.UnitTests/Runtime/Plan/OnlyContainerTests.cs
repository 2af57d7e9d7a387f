using PodUnits.Runtime.Plan;

namespace PodUnits.UnitTests.Runtime.Plan;

/// <summary>Review of 2026-12-05: the helper that enters a container (`podunits enter`, exec
/// probes) read the pod's whole plan inside that container's PID namespace, where a container
/// with CAP_SYS_PTRACE could read its memory: every other container's Secret values. It gets
/// its container's part alone.</summary>
public sealed class OnlyContainerTests
{
    [Fact]
    public void TheCopyHoldsOneContainerAndNoProjectedFile()
    {
        var plan = new PodPlan
        {
            Name = "web",
            Hostname = "web",
            MachineId = "0123456789abcdef0123456789abcdef",
            StateDir = "/var/lib/podunits/pods/web",
            Containers =
            [
                new ContainerPlan { Name = "app", LowerDir = "/l", LayerDir = "/d", Env = ["DB_PASSWORD=app-secret"] },
                new ContainerPlan { Name = "debug", LowerDir = "/l", LayerDir = "/d", Env = ["TOKEN=debug-own"] },
            ],
            ProjectedVolumes = [new ProjectedVolumePlan { Name = "creds", Path = "/run/podunits/volumes/creds", Files = [new ProjectedFilePlan { Path = "password", Content = "volume-secret"u8.ToArray() }] }],
        };

        PodPlan only = plan.OnlyContainer("debug");

        ContainerPlan c = Assert.Single(only.Containers);
        Assert.Equal("debug", c.Name);
        Assert.Equal(["TOKEN=debug-own"], c.Env);
        Assert.Empty(Assert.Single(only.ProjectedVolumes).Files);
        string json = only.ToJson();
        Assert.DoesNotContain("app-secret", json, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String("volume-secret"u8.ToArray()), json, StringComparison.Ordinal);
        // The original is untouched: the executor goes on with the whole plan.
        Assert.Equal(2, plan.Containers.Count);
    }
}
