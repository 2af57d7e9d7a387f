using System.Diagnostics;

namespace PodUnits.IntegrationTests.Runtime;

/// <summary>
/// Review of 2026-12-05: gc recognised an ad-hoc pod's state (its writable layers and
/// volumes, to go with it) only by its definition in /run. After a reboot, or when stage 0
/// died before it wrote that file, gc removed the pod's pin and left its state directory for
/// good: under a random name no later run reuses, listed nowhere, refused by `podunits rm`.
/// The mark on disk says it now.
/// </summary>
[Collection(HostWideGc.Name)]
public sealed class AdHocGcTests
{
    private const string Podunits = "/usr/bin/podunits";
    private const string Name = "adhoc-gc-reboot";

    [Fact]
    public void GcRemovesTheStateOfAKilledAdHocPodAfterRunIsGone()
    {
        string state = $"/var/lib/podunits/pods/{Name}";
        string[] args = ["run", "-i", "--name", Name, "--net", "host", "busybox", "--", "sh", "-c", "echo kept > /data; sleep 1000"];
        using (Process p = PodHarness.StartPodunits(args))
        {
            Assert.True(PodHarness.WaitFor(() => PodHarness.MachineRegistered(Name)), PodHarness.StatusText(Name));
            p.Kill(); // SIGKILL: no clean-up of its own
            p.WaitForExit();
        }
        Assert.True(PodHarness.WaitFor(() => !PodHarness.MachineRegistered(Name), 40));
        Assert.True(File.Exists($"{state}/ad-hoc"));
        // What a reboot does: /run is empty, the state directory on disk stays.
        Directory.Delete($"/run/podunits/state/{Name}", recursive: true);

        var gc = PodHarness.Run(Podunits, "gc");
        Assert.True(gc.Code == 0, gc.Output);
        Assert.Contains($"removed stale state of pod {Name}", gc.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(state), gc.Output);
    }

    /// <summary>User-namespace review of 2026-12-06, finding 3: after a SIGKILL of its executor
    /// the pod init goes on stopping the containers for their grace period. A gc meanwhile
    /// that cannot reach systemd (to stop the pod's scope first) left the containers running
    /// and took their state, their network and their ID range away; it leaves them now, and
    /// a gc once they are gone takes them.</summary>
    [Fact]
    public void GcLeavesAKilledPodWhoseContainersStillStop()
    {
        const string draining = "adhoc-gc-draining";
        string definition = Path.Combine(Path.GetTempPath(), $"{draining}.yaml");
        File.WriteAllText(definition, PodHarness.BusyboxPod(draining, "trap '' TERM; sleep 1717 & wait; wait",
            extraSpecYaml: "  hostNetwork: true").Replace("terminationGracePeriodSeconds: 5", "terminationGracePeriodSeconds: 30", StringComparison.Ordinal));
        string runtime = $"/run/podunits/state/{draining}";
        try
        {
            // Run from a shell, not a unit: its executor and pod init are in a scope of their own.
            using (Process p = PodHarness.StartPodunits("run", definition))
            {
                // Its command runs (registered alone is too soon: a killed executor's container
                // may not have had its "go" yet, and would never start).
                Assert.True(PodHarness.WaitFor(() => PodHarness.Run("pgrep", "-x", "-f", "sleep 1717").Code == 0), PodHarness.StatusText(draining));
                p.Kill(); // SIGKILL: the pod init stops the container, which ignores SIGTERM, for its grace period
                p.WaitForExit();
            }
            var gc = PodHarness.Run("env", "DBUS_SYSTEM_BUS_ADDRESS=unix:path=/nonexistent", Podunits, "gc");
            Assert.DoesNotContain($"removed stale state of pod {draining}", gc.Output, StringComparison.Ordinal);
            Assert.Contains($"pod {draining}: its executor is gone but its processes still run", gc.Output, StringComparison.Ordinal);
            Assert.True(Directory.Exists(runtime), gc.Output);
            Assert.True(PodHarness.WaitFor(() => !PodUnits.Planning.State.PodSliceGc.HasProcessesLeft(draining), 90), PodHarness.StatusText(draining));
            var after = PodHarness.Run(Podunits, "gc");
            Assert.Contains($"removed stale state of pod {draining}", after.Output, StringComparison.Ordinal);
            Assert.False(Directory.Exists(runtime), after.Output);
        }
        finally
        {
            File.Delete(definition);
        }
    }

    /// <summary>A --keep ad-hoc pod's state is the user's until `podunits rm`: gc leaves it.</summary>
    [Fact]
    public void GcKeepsTheStateOfAKeptAdHocPod()
    {
        const string kept = "adhoc-gc-kept";
        Assert.Equal(0, PodHarness.Run(Podunits, "run", "-i", "--name", kept, "--keep", "--net", "host", "busybox", "--", "true").Code);
        try
        {
            Assert.True(PodHarness.Run(Podunits, "gc").Code == 0);
            Assert.True(File.Exists($"/var/lib/podunits/pods/{kept}/adhoc.yaml"));
        }
        finally
        {
            Assert.Equal(0, PodHarness.Run(Podunits, "rm", kept).Code);
        }
    }
}
