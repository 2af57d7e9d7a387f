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
            RunAndKillTheExecutor(draining, definition, "sleep 1717");
            var gc = PodHarness.Run("env", "DBUS_SYSTEM_BUS_ADDRESS=unix:path=/nonexistent", Podunits, "gc");
            Assert.DoesNotContain($"removed stale state of pod {draining}", gc.Output, StringComparison.Ordinal);
            Assert.Contains($"pod {draining}: its executor is gone but its processes still run", gc.Output, StringComparison.Ordinal);
            Assert.True(Directory.Exists(runtime), gc.Output);
            Assert.True(PodHarness.WaitFor(() => !PodUnits.Runtime.State.PodProcesses.AnyLeft(draining), 90), PodHarness.StatusText(draining));
            var after = PodHarness.Run(Podunits, "gc");
            Assert.Contains($"removed stale state of pod {draining}", after.Output, StringComparison.Ordinal);
            Assert.False(Directory.Exists(runtime), after.Output);
        }
        finally
        {
            File.Delete(definition);
        }
    }

    /// <summary>Recovery review of 2026-12-07, findings 1 and 4: a start of a pod whose killed
    /// executor's containers were still stopping took the free claim for a pod gone. It
    /// deleted their writable layers and emptyDirs under them, released their network, and
    /// only then found the earlier run's scope. It leaves them alone now, and `podunits stop`
    /// ends them before it releases anything.</summary>
    [Fact]
    public void AStartLeavesTheContainersOfAKilledRunThatStillStopAlone()
    {
        const string draining = "adhoc-start-draining";
        string definition = Path.Combine(Path.GetTempPath(), $"{draining}.yaml");
        File.WriteAllText(definition, PodHarness.BusyboxPod(draining, "echo kept > /data/marker; echo kept > /layer-marker; trap '' TERM; sleep 1719 & wait; wait",
            extraContainerYaml: "      volumeMounts:\n        - name: data\n          mountPath: /data",
            extraSpecYaml: "  hostNetwork: true\n  volumes:\n    - name: data\n      emptyDir: {}")
            .Replace("terminationGracePeriodSeconds: 5", "terminationGracePeriodSeconds: 20", StringComparison.Ordinal));
        string state = $"/var/lib/podunits/pods/{draining}";
        try
        {
            RunAndKillTheExecutor(draining, definition, "sleep 1719");
            using (Process again = PodHarness.StartPodunits("run", definition))
            {
                bool ended = again.WaitForExit(TimeSpan.FromSeconds(15));
                if (!ended)
                {
                    again.Kill();
                }
                string said = again.StandardError.ReadToEnd();
                Assert.True(ended, $"a second run started beside the first: {said}");
                Assert.NotEqual(0, again.ExitCode);
                Assert.Contains($"pod {draining}: processes of an earlier run, whose executor was killed, are still stopping", said, StringComparison.Ordinal);
            }
            Assert.Equal(0, PodHarness.Run("pgrep", "-x", "-f", "sleep 1719").Code);
            Assert.True(File.Exists($"{state}/volumes/data/marker"), "the running container's emptyDir was emptied");
            Assert.True(File.Exists($"{state}/containers/main/upper/layer-marker"), "the running container's writable layer was emptied");

            var stop = PodHarness.Run(Podunits, "stop", draining);
            Assert.True(stop.Code == 0, stop.Output);
            Assert.Contains("released what its killed executor left", stop.Output, StringComparison.Ordinal);
            Assert.Contains("runtime state", stop.Output, StringComparison.Ordinal); // not its scope alone
            Assert.True(PodHarness.WaitFor(() => !PodUnits.Runtime.State.PodProcesses.AnyLeft(draining), 10), PodHarness.StatusText(draining));
        }
        finally
        {
            PodHarness.Run(Podunits, "stop", draining); // what a failure left running
            File.Delete(definition);
            if (Directory.Exists(state))
            {
                Directory.Delete(state, recursive: true);
            }
        }
    }

    /// <summary>Recovery review of 2026-12-07, findings 2 and 3: a file that would not go (made
    /// immutable in a container) ended gc with an internal error, before every pod, slice, ID
    /// range and image after it, at each gc; and the removal could take the ad-hoc mark
    /// first, leaving the rest for good. gc now says it, keeps the mark and goes on; the next
    /// gc, once the file is mended, takes the state.</summary>
    [Fact]
    public void GcSaysWhatWouldNotGoAndKeepsItForTheNextGc()
    {
        const string stuck = "adhoc-gc-immutable";
        string state = $"/var/lib/podunits/pods/{stuck}";
        using (Process p = PodHarness.StartPodunits("run", "-i", "--name", stuck, "--net", "host", "busybox", "--", "sh", "-c", "echo kept > /data; sleep 1722"))
        {
            Assert.True(PodHarness.WaitFor(() => PodHarness.Run("pgrep", "-x", "-f", "sleep 1722").Code == 0), PodHarness.StatusText(stuck));
            p.Kill(); // SIGKILL: its state is left for gc
            p.WaitForExit();
        }
        Assert.True(PodHarness.WaitFor(() => !PodHarness.MachineRegistered(stuck), 40));
        string frozen = Directory.EnumerateFiles(state, "data", SearchOption.AllDirectories).Single();
        var chattr = PodHarness.Run("chattr", "+i", frozen);
        Assert.True(chattr.Code == 0, chattr.Output);
        try
        {
            var gc = PodHarness.Run(Podunits, "gc");
            Assert.True(gc.Code == 0, gc.Output);
            Assert.Contains($"pod {stuck}: removing its state in {state}: unlink ", gc.Output, StringComparison.Ordinal);
            Assert.Contains("/data: Operation not permitted (errno 1; a file made immutable or append-only in a container? 'lsattr' shows it); 'podunits gc' tries again",
                gc.Output, StringComparison.Ordinal);
            Assert.True(File.Exists($"{state}/ad-hoc"), gc.Output);
        }
        finally
        {
            PodHarness.Run("chattr", "-i", frozen);
        }
        var again = PodHarness.Run(Podunits, "gc");
        Assert.True(again.Code == 0, again.Output);
        Assert.Contains($"removed stale state of pod {stuck}", again.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(state), again.Output);
    }

    /// <summary>Runs <paramref name="definition"/> from a shell, not a unit (its executor and pod
    /// init are in a scope of their own), until its command (<paramref name="command"/>, as
    /// pgrep matches it) runs, then SIGKILLs its executor: the pod init goes on stopping the
    /// container, which ignores SIGTERM, for its grace period. Registered alone is too soon:
    /// a killed executor's container may not have had its "go" yet, and would never start.</summary>
    private static void RunAndKillTheExecutor(string pod, string definition, string command)
    {
        using Process p = PodHarness.StartPodunits("run", definition);
        Assert.True(PodHarness.WaitFor(() => PodHarness.Run("pgrep", "-x", "-f", command).Code == 0), PodHarness.StatusText(pod));
        p.Kill();
        p.WaitForExit();
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
