using PodUnits.Journal;

namespace PodUnits.IntegrationTests.Runtime;

/// <summary>The executor's lifecycle messages in the journal: one entry each, with the
/// MESSAGE_ID and fields packaging/catalog/podunits.catalog explains (journalctl -x).</summary>
public sealed class PodEventLogTests
{
    [Fact]
    public void StartExitAndStopAreJournalEntriesWithIdsFieldsAndExplanations()
    {
        using var pod = new PodHarness("rt-events", PodHarness.BusyboxPod("rt-events", "echo up; exec sleep 1000",
            extraSpecYaml: "  shareProcessNamespace: true")); // sleep is not PID 1: the stop's SIGTERM ends it
        pod.Start();
        // READY comes when the container is in its scope, maybe before it has exec'd its command.
        Assert.True(PodHarness.WaitFor(() => pod.Journal("-u", pod.Unit, "CONTAINER_NAME=main").Contains("up")));
        Assert.Equal(0, pod.Systemctl("stop", pod.Unit).Code);

        Assert.True(PodHarness.WaitFor(() => Entries(pod, JournalMessageIds.PodStopped).Length == 1), string.Join('\n', pod.Journal("-u", pod.Unit)));
        Assert.Equal(["pod rt-events started: 1 container running"], Entries(pod, JournalMessageIds.PodStarted, "POD_NAME=rt-events"));
        Assert.Equal(["container main exited with signal 15"],
            Entries(pod, JournalMessageIds.ContainerExited, "CONTAINER_NAME=main", "EXIT_STATUS=143", "PRIORITY=6"));
        Assert.Equal(["pod rt-events stopped"], Entries(pod, JournalMessageIds.PodStopped));
        // `journalctl -x` adds the catalog's explanation (install.sh rebuilt the catalog).
        string explained = PodHarness.Run("journalctl", "--no-pager", "-x", "-u", pod.Unit, $"MESSAGE_ID={JournalMessageIds.PodStarted}").Output;
        Assert.Contains("Subject: Pod rt-events has started", explained, StringComparison.Ordinal);
    }

    [Fact]
    public void AFailingContainerFailsThePodWithAnEntrySayingWhich()
    {
        using var pod = new PodHarness("rt-events-fail", PodHarness.BusyboxPod("rt-events-fail", "sleep 0.2; exit 3"));
        pod.Start();
        Assert.True(PodHarness.WaitFor(() => pod.Show("ActiveState") == "failed"), pod.Show("ActiveState"));
        Assert.True(PodHarness.WaitFor(() => Entries(pod, JournalMessageIds.PodFailed).Length == 1), string.Join('\n', pod.Journal("-u", pod.Unit)));
        Assert.Equal(["pod rt-events-fail failed: container main exited with status 3"], Entries(pod, JournalMessageIds.PodFailed, "PRIORITY=3"));
        Assert.Equal(["container main exited with status 3"], Entries(pod, JournalMessageIds.ContainerExited, "EXIT_STATUS=3", "PRIORITY=4"));
        Assert.Empty(Entries(pod, JournalMessageIds.PodStopped));
    }

    /// <summary>A container that ended for good (its command does not exist, restartPolicy
    /// Never) lets READY through, but the start message counts only the containers running.</summary>
    [Fact]
    public void TheStartMessageCountsTheContainersRunningNotThePlans()
    {
        using var pod = new PodHarness("rt-events-part", PodHarness.BusyboxPod("rt-events-part", PodHarness.Idle,
            extraContainerYaml: "    - name: missing\n      image: busybox\n      command: [\"/no/such/command\"]"));
        pod.Start();
        Assert.True(PodHarness.WaitFor(() => Entries(pod, JournalMessageIds.PodStarted).Length == 1), pod.UnitJournalText());
        Assert.Equal(["pod rt-events-part started: 1 of 2 containers running"], Entries(pod, JournalMessageIds.PodStarted, "POD_NAME=rt-events-part"));
        Assert.Matches(@"^1 (of 2 containers|container) running", pod.Show("StatusText"));
    }

    /// <summary>The messages of this pod's unit with <paramref name="messageId"/> and more matches.</summary>
    private static string[] Entries(PodHarness pod, string messageId, params string[] matches) =>
        pod.Journal(["-u", pod.Unit, $"MESSAGE_ID={messageId}", .. matches]);
}
