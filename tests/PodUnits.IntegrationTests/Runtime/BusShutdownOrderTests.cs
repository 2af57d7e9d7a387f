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
            // One systemctl call is one transaction, as shutdown.target's.
            var stop = pod.Systemctl("stop", "dbus.service", pod.Unit, scope);
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
