using System.CommandLine;
using PodUnits.Core.Errors;
using PodUnits.Planning.State;
using PodUnits.Systemd.Units;

namespace PodUnits.Cli.Commands;

/// <summary><c>podunits stop NAME</c>: what `systemctl stop pod@NAME` does, over D-Bus, waiting
/// until the pod is down (its containers get SIGTERM, then SIGKILL after the grace period).</summary>
internal static class StopCommand
{
    public static Command Create()
    {
        var name = PodArgument.Create();
        var command = new Command("stop", """
            Stop a running pod (like 'systemctl stop pod@NAME', or of the service that runs it
            with 'podunits run NAME'), or an ad-hoc one of 'podunits run -i',
            and wait until it is down: each container gets SIGTERM after its preStop hook, and SIGKILL
            once the pod's terminationGracePeriodSeconds have passed. Of a pod whose executor was killed,
            release what it left (network attachment, runtime state), as 'podunits gc' would.
              podunits stop web
            """)
        {
            name,
        };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            string pod = PodArgument.Validated(parsed, name);
            await using SystemdManager systemd = await SystemdManager.ConnectAsync(cancellationToken);
            if (await AdHocPods.TryStopAsync(systemd, pod, cancellationToken))
            {
                return 0;
            }
            if (await ReleaseLeftoversAsync(systemd, pod))
            {
                return 0;
            }
            PodArgument.RequireKnown(pod);
            await systemd.StopUnitAsync(PodArgument.UnitName(pod), cancellationToken);
            // A stop during a restart's back-off or pull ended a start that had not yet
            // released what the killed run before it left (its executor's PrepareAsync does
            // that): released now, or it stayed until gc (lifecycle review of 2026-12-07,
            // finding 2).
            await ReleaseLeftoversAsync(systemd, pod, afterStop: true);
            // systemctl says so too ("can still be activated by"); stop talks to systemd over
            // D-Bus, and the pod came back at the next connection without a word (activation
            // review of 2026-12-06, finding 6).
            string socket = Core.Naming.PodUnitNames.Socket(pod);
            if (await systemd.GetUnitStatusAsync(socket) is { IsActive: true })
            {
                Console.Error.WriteLine($"podunits: note: {socket} still listens and starts the pod again at the next connection; 'systemctl stop {socket}' stops listening");
            }
            return 0;
        });
        return command;
    }

    /// <summary>A pod whose executor was killed (SIGKILL, a crash) no longer runs, but its
    /// network attachment, runtime state and slice are still there: stop releases them, as
    /// `podunits gc` would, so that a stopped pod is all gone. An ad-hoc pod has no next start
    /// that would (tour H). Not while pod@NAME.service starts or runs: its executor may not
    /// hold the pod's claim yet. False when there was nothing to release. <paramref name="afterStop"/>:
    /// the unit was just stopped; what could not be released is left to gc without failing the stop.</summary>
    private static async Task<bool> ReleaseLeftoversAsync(SystemdManager systemd, string pod, bool afterStop = false)
    {
        if (await systemd.GetUnitStatusAsync(PodArgument.UnitName(pod)) is { IsActive: true })
        {
            return false;
        }
        // First what still runs in an ad-hoc pod's scope (a plugin adding the network).
        string? scope = await PodSliceGc.CollectAdHocScopeAsync(systemd, pod);
        if (scope is null && PodStateGc.Leftovers(pod).Count == 0)
        {
            return false;
        }
        List<string> released = [.. PodStateGc.CollectPod(pod)];
        if (scope is not null)
        {
            released.Insert(0, scope);
        }
        if (await PodSliceGc.CollectPodAsync(systemd, pod) is { } slice)
        {
            released.Add(slice);
        }
        if (released.Count == 0)
        {
            if (afterStop)
            {
                Console.Error.WriteLine($"podunits: note: pod {pod}: what an earlier run's killed executor left could not be released (see above); 'podunits gc' tries again");
                return false;
            }
            throw new PodUnitsException($"pod {pod}", "what its killed executor left could not be released (see above); 'podunits gc' tries again");
        }
        Console.WriteLine(afterStop
            ? $"pod {pod} stopped; released what an earlier run's killed executor left: {string.Join(", ", released)}"
            : $"pod {pod} was not running; released what its killed executor left: {string.Join(", ", released)}");
        return true;
    }
}
