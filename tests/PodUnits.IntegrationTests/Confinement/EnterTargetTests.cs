using System.Diagnostics;
using PodUnits.Core.Errors;
using PodUnits.Core.Native;
using PodUnits.IntegrationTests.Runtime;
using PodUnits.Runtime.Exec;
using PodUnits.Runtime.Executor;
using PodUnits.Runtime.Plan;
using PodUnits.Runtime.State;
using PodUnits.Systemd.Units;

namespace PodUnits.IntegrationTests.Confinement;

/// <summary>
/// Confinement review of 2026-12-07, finding 1: `podunits enter` and exec probes join the
/// namespaces of a container process named by a PID read earlier (the inspection, the
/// container's start). A container that ended meanwhile may have left that number to any
/// process, the host's or another pod's, and the command ran in its namespaces with the
/// container's user and capabilities. The launcher now enters only a process of the
/// container's own scope. The test hands it a host process's PID, as a reuse would: harmless
/// if the protection failed (the sandbox's own namespaces, `true`).
/// </summary>
public sealed class EnterTargetTests : IDisposable
{
    private const string PodName = "enter-target";
    private readonly PodHarness _pod = new(PodName, PodHarness.BusyboxPod(PodName, "sleep 1720", extraSpecYaml: "  hostNetwork: true"));

    public void Dispose() => _pod.Dispose();

    [Fact]
    public async Task OnlyAProcessOfTheContainersScopeIsEntered()
    {
        Assert.Equal(0, _pod.Systemctl("start", _pod.Unit).Code);
        Assert.True(PodHarness.WaitFor(() => PodHarness.Run("pgrep", "-x", "-f", "sleep 1720").Code == 0), PodHarness.StatusText(PodName));
        int inContainer = int.Parse(PodHarness.Run("pgrep", "-x", "-f", "sleep 1720").Output.Trim(), System.Globalization.CultureInfo.InvariantCulture);
        int podInit = PodState.Pids(PodName) is (_, int init) && init > 0 ? init : throw new InvalidOperationException("no pod init");
        PodPlan plan = PodPlan.Read(PlanHandoff.RunningPlanPath(podInit));
        await using SystemdManager systemd = await SystemdManager.ConnectAsync();
        using Process outsider = Process.Start("sleep", "1721");
        int devNull = LibcExtra.open("/dev/null", LibcExtra.O_RDWR | LibcExtra.O_CLOEXEC, 0);
        try
        {
            ExecRequest Request(int pid) => new()
            {
                Pod = plan, Container = plan.Containers[0], ContainerPid = pid, Argv = ["true"],
                Stdio = (devNull, devNull, devNull), Stage1Path = Stage1.ReadOnlyView(Stage1.Locate()),
            };
            var refused = await Assert.ThrowsAsync<PodUnitsException>(() => ExecLauncher.StartAsync(Request(outsider.Id), systemd));
            Assert.Contains("is not running", refused.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("podunits-", File.ReadAllText($"/proc/{outsider.Id}/cgroup"), StringComparison.Ordinal);

            // The container's own process still is.
            using ExecProcess entered = await ExecLauncher.StartAsync(Request(inContainer), systemd);
            Assert.Equal(0, entered.WaitForExit());
        }
        finally
        {
            LibcExtra.close(devNull);
            outsider.Kill();
        }
    }
}
