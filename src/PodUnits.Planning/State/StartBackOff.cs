using System.Globalization;
using System.Runtime.InteropServices;
using PodUnits.Core.Errors;
using PodUnits.Core.Identity;
using PodUnits.Core.Naming;
using PodUnits.Core.Text;
using PodUnits.Logging;
using PodUnits.Runtime.State;
using PodUnits.Systemd.Notify;
using PodUnits.Systemd.Units;

namespace PodUnits.Planning.State;

/// <summary>
/// Stage 0's side of <see cref="FailedStarts"/>: before anything else of a start of
/// pod@NAME.service, counts the start and, when systemd restarts a pod whose last starts
/// all failed before READY, waits as the kubelet backs off (10 s, 20 s, 40 s ... 5 min).
/// The unit is "activating" meanwhile, with a STATUS= that says so; `systemctl stop` ends the
/// wait at once, and `systemctl restart` (or any start that is not systemd's own restart)
/// starts at once.
/// </summary>
internal static class StartBackOff
{
    /// <summary>False when the pod was stopped while it waited: it ends, successfully, before it began.</summary>
    public static async Task<bool> WaitAsync(string pod)
    {
        string unit = PodUnitNames.Service(pod);
        if (OwnUnit.ServiceName() != unit)
        {
            return true; // run by hand: whoever runs it decides when
        }
        int failed = FailedStarts.Count(pod);
        string because = FailedStarts.LastFailure(pod) is { } why ? $" ({WithoutPodName(why, pod)})" : "";
        // A failed start of a socket-activated pod hands the waiting connection back to its
        // socket, which starts it again at once: five of those in 10 s hit systemd's start
        // limit, which stops the socket for good (review of 2026-12-06). A start with a
        // connection waiting backs off whoever asked for it; one by hand with none does not.
        bool socket = Runtime.Activation.ListenFds.Passed()?.AnyWaiting() == true;
        if (failed > 0 && !socket)
        {
            switch (await AutomaticRestartsAsync(unit).ConfigureAwait(false))
            {
                case (0, _):
                    // A start asked for, not systemd's Restart=: at once, and said, so that a
                    // journal of starts without their waits explains itself.
                    PodLog.Information($"pod {pod}: {LastFailed(failed)} before it was ready; "
                        + "this start was asked for, not systemd's restart, so it is at once", new(Pod: pod));
                    failed = 0;
                    break;
                case (null, string error):
                    PodLog.Warning($"pod {pod}: {LastFailed(failed)} before it was ready, and systemd cannot say "
                        + $"whether this is its restart ({error}): starting at once", new(Pod: pod));
                    failed = 0; // rather a start at once than a wait nobody can explain
                    break;
            }
        }
        FailedStarts.Begin(pod, failed);
        TimeSpan delay = FailedStarts.Delay(failed);
        if (delay == TimeSpan.Zero)
        {
            return true;
        }
        string seconds = delay.TotalSeconds.ToString("0", CultureInfo.InvariantCulture);
        PodLog.Warning($"pod {pod}: {LastFailed(failed)} before it was ready{because}; waiting {seconds} s before this one, "
            + (socket
                ? $"as the kubelet backs off (a connection waits, and its socket would start it again at once; 'systemctl stop {unit}' ends the wait)"
                : $"as the kubelet backs off ('systemctl restart {unit}' starts at once)"), new(Pod: pod));
        SdNotify.Default.Status($"back-off: {Counted.Of(failed, "failed start")}{because}, starting again in {seconds} s");
        SdNotify.Default.ExtendTimeout((ulong)(delay + StartTimeoutExtender.DefaultExtension).TotalMicroseconds);
        using var stopped = new CancellationTokenSource();
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stopped.Cancel();
        });
        try
        {
            await Task.Delay(delay, stopped.Token).ConfigureAwait(false);
            await StartBudget.RenewAsync(pod).ConfigureAwait(false); // the wait is not the start's
            return true;
        }
        catch (OperationCanceledException)
        {
            // Stopped before it started: nothing was set up, and the next start is at once.
            FailedStarts.Clear(pod);
            return false;
        }
    }

    /// <summary>A reason as the failed start worded it, without its "pod NAME: " (the
    /// line it goes into names the pod already).</summary>
    internal static string WithoutPodName(string why, string pod) =>
        why.StartsWith($"pod {pod}: ", StringComparison.Ordinal) ? why[$"pod {pod}: ".Length..] : why;

    /// <summary>"its last start failed", "its last 3 starts failed".</summary>
    internal static string LastFailed(int failed) => failed == 1 ? "its last start failed" : $"its last {Counted.Of(failed, "start")} failed";

    /// <summary>systemd's NRestarts of the unit, or null and why when the bus cannot say.</summary>
    private static async Task<(uint? Restarts, string? Error)> AutomaticRestartsAsync(string unit)
    {
        try
        {
            await using SystemdManager systemd = await SystemdManager.ConnectAsync().ConfigureAwait(false);
            return (await systemd.GetServiceRestartsAsync(unit).ConfigureAwait(false), null);
        }
        catch (Exception e) when (e is PodUnitsException or IOException or System.Net.Sockets.SocketException)
        {
            return (null, e.Message);
        }
    }
}
