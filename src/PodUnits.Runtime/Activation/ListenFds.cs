using System.Globalization;
using PodUnits.Core.Native;

using Tmds.Linux;

namespace PodUnits.Runtime.Activation;

/// <summary>
/// The listening sockets systemd passes a socket-activated pod@NAME.service (sd_listen_fds(3):
/// descriptors 3 .. 3+N-1 with LISTEN_FDS=N, LISTEN_PID and LISTEN_FDNAMES), on their way to
/// the one container that gets them (docs/activation.md): the executor takes them and hands
/// them to the pod init after its plan (<see cref="Init.PodInitDescriptors.Listen"/>), the
/// pod init to container-start after its two sync descriptors, and container-start puts
/// them at 3.. again right before it execs the command, with the variables set for it.
/// Between the PodUnits processes the names travel in <see cref="HandoffVariable"/> (their
/// count is the count of descriptors): LISTEN_PID would not be right for any of them.
/// </summary>
public sealed record ListenFds(IReadOnlyList<string> Names)
{
    /// <summary>SD_LISTEN_FDS_START.</summary>
    public const int First = 3;

    /// <summary>Between the executor, the pod init and container-start: the names, ':'-separated.</summary>
    public const string HandoffVariable = "PODUNITS_LISTEN_FDNAMES";

    /// <summary>systemd's own limit on descriptors it passes is far higher; this bounds what
    /// a confused environment can make the executor touch.</summary>
    public const int Max = 512;

    public int Count => Names.Count;

    /// <summary>What LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES say for process
    /// <paramref name="ownPid"/>, as sd_listen_fds_with_names(3) reads them: null when they
    /// are absent or meant for another process; a name list of the wrong length or a bad name
    /// becomes "unknown", the name systemd gives an unnamed descriptor.</summary>
    public static ListenFds? Parse(string? pid, string? fds, string? names, int ownPid)
    {
        if (pid is null || fds is null
            || !int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out int p) || p != ownPid
            || !int.TryParse(fds, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n is < 1 or > Max)
        {
            return null;
        }
        string[] given = names?.Split(':') ?? [];
        return new ListenFds([.. Enumerable.Range(0, n).Select(i => given.Length == n && IsValidName(given[i]) ? given[i] : "unknown")]);
    }

    /// <summary>systemd's fdname_is_valid: 1-255 printable ASCII characters other than ':'.</summary>
    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= 255 && name.All(c => c is > ' ' and < '\x7f' and not ':');

    /// <summary>The names as <see cref="HandoffVariable"/> carries them, or null without one.</summary>
    public static ListenFds? FromHandoff(string? value) =>
        string.IsNullOrEmpty(value) ? null : new ListenFds(value.Split(':'));

    public string HandoffEntry => $"{HandoffVariable}={string.Join(':', Names)}";

    /// <summary>The variables of the command that gets the sockets; <paramref name="pid"/>
    /// is its PID as it sees it (container-start's own: it execs the command).</summary>
    public IEnumerable<string> CommandEnvironment(int pid) =>
    [
        string.Create(CultureInfo.InvariantCulture, $"LISTEN_FDS={Count}"),
        string.Create(CultureInfo.InvariantCulture, $"LISTEN_PID={pid}"),
        $"LISTEN_FDNAMES={string.Join(':', Names)}",
    ];

    /// <summary>The variables a container's own environment must not bring along (ours win):
    /// exactly those of sd_listen_fds(3) and sd_notify(3). An image's LISTEN_PORT or
    /// LISTEN_ADDR is its own (review of 2026-12-06: every LISTEN_ name was dropped).</summary>
    public static bool IsActivationVariable(string entry) =>
        entry.StartsWith("LISTEN_FDS=", StringComparison.Ordinal) || entry.StartsWith("LISTEN_PID=", StringComparison.Ordinal) ||
        entry.StartsWith("LISTEN_FDNAMES=", StringComparison.Ordinal) || entry.StartsWith("LISTEN_PIDFDID=", StringComparison.Ordinal) ||
        entry.StartsWith("NOTIFY_SOCKET=", StringComparison.Ordinal);

    /// <summary>
    /// The executor's intake: the sockets systemd passed this process, made close-on-exec (no
    /// helper the executor runs may inherit them) and the variables unset (sd_listen_fds'
    /// unset_environment), so nothing later reads them twice. Null when there are none.
    /// </summary>
    /// <summary>
    /// Stage 0's guard: the sockets systemd passed are made close-on-exec at once, so no
    /// helper stage 0 runs before stage 1 (gpgv, apparmor_parser, the CNI check) holds the
    /// host's listening port (review of 2026-12-06); the variables stay for stage 1, which
    /// takes them (<see cref="Take"/>) after <see cref="KeepAcrossExec"/> gave them back.
    /// </summary>
    public static ListenFds? Guard()
    {
        ListenFds? fds = Passed();
        fds?.SetCloseOnExec(true);
        return fds;
    }

    /// <summary>The sockets systemd passed this process, as its variables say (nothing changed).</summary>
    public static ListenFds? Passed() =>
        Parse(Environment.GetEnvironmentVariable("LISTEN_PID"), Environment.GetEnvironmentVariable("LISTEN_FDS"),
            Environment.GetEnvironmentVariable("LISTEN_FDNAMES"), Environment.ProcessId);

    /// <summary>Whether a connection (or a datagram) waits on one of the sockets: a start
    /// its socket made, which a failed start would make again at once.</summary>
    public unsafe bool AnyWaiting()
    {
        pollfd* wait = stackalloc pollfd[Count];
        for (int i = 0; i < Count; i++)
        {
            wait[i] = new pollfd { fd = First + i, events = LibC.POLLIN };
        }
        return LibC.poll(wait, (uint)Count, 0) > 0;
    }

    /// <summary>Clears close-on-exec just before stage 0 execs stage 1 (the same process, which takes them).</summary>
    public void KeepAcrossExec() => SetCloseOnExec(false);

    private void SetCloseOnExec(bool closeOnExec)
    {
        for (int fd = First; fd < First + Count; fd++)
        {
            Check.Io(LibcExtra.fcntl(fd, LibcExtra.F_SETFD, closeOnExec ? LibcExtra.FD_CLOEXEC : 0), "fcntl F_SETFD", $"LISTEN_FDS descriptor {fd}");
        }
    }

    public static ListenFds? Take()
    {
        ListenFds? fds = Passed();
        foreach (string variable in new[] { "LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES", "LISTEN_PIDFDID" })
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
        fds?.SetCloseOnExec(true);
        return fds;
    }
}
