using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.Network;

/// <summary>hostNetwork pods' ports are claimed like published ones: a second pod that wants
/// one is refused naming the first, as the scheduler would not place them together.</summary>
public sealed class HostNetworkPortTests
{
    private static string Pod(string name) => PodHarness.BusyboxPod(name, PodHarness.Idle,
        extraContainerYaml: "      ports: [{containerPort: 18181}]", extraSpecYaml: "  hostNetwork: true");

    [Fact]
    public void ASecondHostNetworkPodOnTheSamePortIsRefusedNamingTheFirst()
    {
        using var first = new PodHarness("hn-port-a", Pod("hn-port-a"));
        using var second = new PodHarness("hn-port-b", Pod("hn-port-b"));
        Assert.True(first.Systemctl("start", first.Unit).Code == 0, first.UnitJournalText());

        Assert.NotEqual(0, second.Systemctl("start", second.Unit).Code);
        Assert.True(second.UnitJournalHas(l => l.Contains("cannot use hostPort 18181/tcp on the host's network: pod hn-port-a uses it", StringComparison.Ordinal)),
            second.UnitJournalText());
        Assert.False(Directory.Exists("/run/podunits/state/hn-port-b"));

        // Once the first has stopped, the port is free.
        Assert.True(first.Systemctl("stop", first.Unit).Code == 0);
        second.Systemctl("reset-failed", second.Unit);
        Assert.True(second.Systemctl("start", second.Unit).Code == 0, second.UnitJournalText());
    }
}
