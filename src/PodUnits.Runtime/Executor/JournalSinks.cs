using System.Net.Sockets;
using PodUnits.Runtime.Logging;

namespace PodUnits.Runtime.Executor;

/// <summary>
/// Where container lines go: the host's journald (so journald stamps
/// _SYSTEMD_UNIT=pod@NAME.service on them) and the pod's own journald, reached through the
/// pod init's root (/proc/PID/root), which `journalctl -M NAME` reads. Each forwarder thread
/// gets its own sockets (the sender's buffer is not shared).
/// </summary>
internal static class JournalSinks
{
    public const string HostSocket = "/run/systemd/journal/socket";

    public static Func<TemporaryJournalSender?> Host() => Lazy(() => HostSocket);

    public static Func<TemporaryJournalSender?> Pod(int podInitPid) => Lazy(() => $"/proc/{podInitPid}/root{HostSocket}");

    /// <summary>Connects on first use per thread; retried every 2 s while the socket is not
    /// there yet (the pod's journald starts after its first container may print).</summary>
    private static Func<TemporaryJournalSender?> Lazy(Func<string> path)
    {
        var local = new ThreadLocal<(TemporaryJournalSender? Sender, long RetryAt)>();
        return () =>
        {
            (TemporaryJournalSender? sender, long retryAt) = local.Value;
            if (sender is not null || Environment.TickCount64 < retryAt)
            {
                return sender;
            }
            try
            {
                sender = new TemporaryJournalSender(path());
            }
            catch (SocketException)
            {
                sender = null;
            }
            local.Value = (sender, Environment.TickCount64 + 2000);
            return sender;
        };
    }
}
