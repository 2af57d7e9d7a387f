using PodUnits.Core.Errors;
using PodUnits.Core.Identity;
using PodUnits.Logging;
using PodUnits.Systemd.Notify;
using PodUnits.Systemd.Units;

namespace PodUnits.Planning.State;

/// <summary>
/// A start that waited (a back-off) or pulled past its start timeout kept itself alive with
/// EXTEND_TIMEOUT_USEC=, which moves systemd's deadline to "now + extension" only: the
/// rest of the start (network, containers, probes, READY) would get the last extension's
/// 30 s instead of TimeoutStartSec=, and a pod that needs 45 s to be ready could never start
/// again after a few failed starts (review of 2026-12-06). Once the wait and the pull are
/// over, the rest gets the unit's whole start budget again: the time it is meant to bound
/// counts from here, as the kubelet's back-offs and pulls never shorten a container's time
/// to become ready.
/// </summary>
internal static class StartBudget
{
    /// <summary>What systemd's default TimeoutStartSec= is, when the unit's cannot be read.</summary>
    private static readonly TimeSpan SystemdDefault = TimeSpan.FromSeconds(90);

    public static async Task RenewAsync(string pod)
    {
        if (!SdNotify.Default.IsAvailable || OwnUnit.ServiceName() is not { } unit)
        {
            return;
        }
        ulong budget;
        try
        {
            await using SystemdManager systemd = await SystemdManager.ConnectAsync().ConfigureAwait(false);
            budget = await systemd.GetServiceStartTimeoutAsync(unit).ConfigureAwait(false);
        }
        catch (Exception e) when (e is PodUnitsException or IOException or System.Net.Sockets.SocketException)
        {
            PodLog.Warning($"pod {pod}: cannot read {unit}'s start timeout ({e.Message}); the rest of the start gets {SystemdDefault.TotalSeconds:0} s", new(Pod: pod));
            budget = (ulong)SystemdDefault.TotalMicroseconds;
        }
        // 0 and infinity: no deadline to renew (systemd ignores an extension then anyway).
        if (budget is > 0 and < ulong.MaxValue)
        {
            SdNotify.Default.ExtendTimeout(budget);
        }
    }
}
