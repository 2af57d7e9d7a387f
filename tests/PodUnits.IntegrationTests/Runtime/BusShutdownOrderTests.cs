namespace PodUnits.IntegrationTests.Runtime;

/// <summary>
/// Packaging review of 2026-12-07, finding 1: shutdown stops dbus.service in the same
/// transaction as the pod's unit and its container scopes. Unordered, the bus could go first;
/// systemd, off the bus, then could not send the scope's RequestStop and SIGTERMed the
/// container itself (no preStop hook), and the executor lost its bus halfway through its
/// stop. With the scopes and pod@.service After=dbus.service the bus stops last.
/// Host-wide: every other test's pod talks to the bus.
/// </summary>
[Collection(HostWideSettings.Name)]
public sealed class BusShutdownOrderTests
{
    [Fact]
    public void StoppingTheBusWithThePodInOneTransactionKeepsThePreStopHook()
    {
        const string name = "bus-shutdown";
        const string scope = "podunits-bus\\x2dshutdown-main.scope";
        string command = "trap 'echo \"term after $(cat /tmp/prestop)\"; exit 0' TERM; echo up; sleep 1861 & wait";
        using var pod = new PodHarness(name, PodHarness.BusyboxPod(name, command, extraContainerYaml: HookAndSidecarTests.PreStopWritesAfterASecond));
        pod.Start();
        try
        {
            // Shutdown queues all three stop jobs at once. systemctl asks for one job per unit,
            // each answered before the next is asked, so the bus's comes last here: queued
            // while the pod's and the scope's run, it must wait for them, which only After=
            // makes it do (the bus's first, it ran at once, whatever the ordering).
            var stop = pod.Systemctl("stop", pod.Unit, scope, "dbus.service");
            Assert.True(stop.Code == 0, stop.Output);
        }
        finally
        {
            Assert.Equal(0, PodHarness.Run("systemctl", "start", "dbus.service").Code);
        }
        Assert.True(PodHarness.WaitFor(() => pod.Journal("-u", pod.Unit, "CONTAINER_NAME=main").Contains("term after prestop-ran")),
            pod.UnitJournalText());
        Assert.Equal("inactive", pod.Show("ActiveState"));
        Assert.Equal("success", pod.Show("Result"));
        Assert.False(PodHarness.MachineRegistered(name), "machine left registered: the executor lost the bus before it unregistered");
    }
}
