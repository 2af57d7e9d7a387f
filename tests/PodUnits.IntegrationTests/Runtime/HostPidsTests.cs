using System.Diagnostics;
using PodUnits.Runtime.Executor;

namespace PodUnits.IntegrationTests.Runtime;

/// <summary>
/// HostPids against real processes: `unshare --pid --fork sleep` makes a child that is PID 1
/// of a PID namespace of its own, as a container's command is, below a parent of the host's
/// namespace, as the pod init is to the executor. Both ways of finding it (the parent's
/// per-thread child lists, and every process's PPid for when a child is between two threads'
/// lists) give its host PID, and neither finds a PID the parent has no child at.
/// </summary>
public sealed class HostPidsTests
{
    [Fact]
    public void AChildInAPidNamespaceIsFoundByItsParentsChildListsAndByItsParentPid()
    {
        using Process parent = Process.Start(new ProcessStartInfo("unshare", ["--pid", "--fork", "sleep", "60"]))!;
        try
        {
            int? found = null;
            Assert.True(PodHarness.WaitFor(() => (found = HostPids.FindAmongChildren(parent.Id, 1)) is not null
                && File.ReadAllText($"/proc/{found}/comm").Trim() == "sleep", 10), "unshare's child never showed up");
            Assert.Equal(found, HostPids.FindByParent(parent.Id, 1));
            Assert.Equal(found, HostPids.Find(parent.Id, 1));
            Assert.Equal(1, HostPids.PodPid(found!.Value));
            Assert.Null(HostPids.Find(parent.Id, 2));
            Assert.Null(HostPids.FindByParent(Environment.ProcessId, 1)); // not our child
        }
        finally
        {
            parent.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public void AParentThatHasEndedHasNoChildren()
    {
        using Process gone = Process.Start(new ProcessStartInfo("true"))!;
        gone.WaitForExit();
        // A pod init stopped during the start: its PID has no /proc entry any more.
        Assert.Null(HostPids.FindAmongChildren(gone.Id, 1));
        Assert.Null(HostPids.Find(gone.Id, 1));
    }
}
