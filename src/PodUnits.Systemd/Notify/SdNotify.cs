using System.Net.Sockets;
using System.Text;
using PodUnits.Core.Errors;

namespace PodUnits.Systemd.Notify;

/// <summary>
/// sd_notify(3): tells the service manager about start-up and shutdown by sending
/// "KEY=VALUE\n..." datagrams to $NOTIFY_SOCKET (a path, or an abstract socket when it starts
/// with '@'). Without $NOTIFY_SOCKET (not started by systemd, or not Type=notify) every call
/// is a no-op returning false, so callers need no special case.
/// </summary>
public sealed partial class SdNotify
{
    private static readonly Lazy<SdNotify> FromEnvironment =
        new(() => new SdNotify(Environment.GetEnvironmentVariable("NOTIFY_SOCKET")));

    private readonly string? _socketPath;

    /// <summary>For tests: notify <paramref name="socketPath"/> instead of $NOTIFY_SOCKET.</summary>
    internal SdNotify(string? socketPath) =>
        _socketPath = string.IsNullOrEmpty(socketPath) ? null : socketPath;

    /// <summary>The notifier for $NOTIFY_SOCKET of this process.</summary>
    public static SdNotify Default => FromEnvironment.Value;

    /// <summary>Whether there is a service manager to notify.</summary>
    public bool IsAvailable => _socketPath is not null;

    /// <summary>READY=1: start-up is finished (Type=notify units become active).</summary>
    public bool Ready(string? status = null) => Notify(status is null ? "READY=1" : $"READY=1\nSTATUS={StatusValue(status)}");

    /// <summary>STATUS=: a line shown by `systemctl status`.</summary>
    public bool Status(string status) => Notify($"STATUS={StatusValue(status)}");

    /// <summary>STOPPING=1: shutdown has begun; with a STATUS= line in the same datagram,
    /// so systemd updates the unit (and tells its D-Bus watchers) once, not twice.</summary>
    public bool Stopping(string? status = null) => Notify(status is null ? "STOPPING=1" : $"STOPPING=1\nSTATUS={StatusValue(status)}");

    /// <summary>The most characters of a STATUS= value sent: systemd reads a notification into
    /// a buffer of PIPE_BUF (4096) bytes and drops a longer one whole ("exceeded maximum
    /// size. Ignoring."), the READY=1 or STOPPING=1 beside it too. 1000 characters are at most
    /// 3000 bytes of UTF-8 (a UTF-16 unit is at most 3 bytes), leaving room for the rest.</summary>
    internal const int MaxStatusChars = 1000;

    /// <summary>A status as one assignment systemd keeps: control characters (a newline would
    /// start another assignment; probe output may carry terminal escapes) become spaces, and
    /// a long text is cut, never between the halves of a surrogate pair.</summary>
    internal static string StatusValue(string status)
    {
        ArgumentNullException.ThrowIfNull(status);
        int length = status.Length <= MaxStatusChars ? status.Length
            : char.IsHighSurrogate(status[MaxStatusChars - 4]) ? MaxStatusChars - 4 : MaxStatusChars - 3;
        string value = Core.Text.OneLine.Spaced(status.AsSpan(0, length));
        return length < status.Length ? value + "..." : value;
    }

    /// <summary>MAINPID=: the main process of the service is another process.</summary>
    public bool MainPid(int pid) => Notify($"MAINPID={pid}");

    /// <summary>EXTEND_TIMEOUT_USEC=: start-up or shutdown needs this much longer (systemd 236+).</summary>
    public bool ExtendTimeout(ulong microseconds) => Notify($"EXTEND_TIMEOUT_USEC={microseconds}");

    /// <summary>
    /// Sends <paramref name="state"/> as one datagram. Returns false when there is no
    /// $NOTIFY_SOCKET; throws <see cref="PodUnitsException"/> when sending fails (a
    /// Type=notify service that cannot report readiness will be killed by its start timeout,
    /// so the caller should know).
    /// </summary>
    public bool Notify(string state)
    {
        ArgumentException.ThrowIfNullOrEmpty(state);
        if (_socketPath is null)
        {
            return false;
        }
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            socket.SendTo(Encoding.UTF8.GetBytes(state), SocketFlags.None, EndPoint(_socketPath));
            return true;
        }
        catch (SocketException e)
        {
            throw new PodUnitsException($"sd_notify to {_socketPath}", $"{e.Message} (sending \"{FirstLine(state)}\")");
        }
    }

    /// <summary>'@' marks an abstract socket: its name starts with a NUL byte.</summary>
    internal static UnixDomainSocketEndPoint EndPoint(string socketPath) =>
        new(socketPath[0] == '@' ? "\0" + socketPath[1..] : socketPath);

    private static string FirstLine(string state)
    {
        int newline = state.IndexOf('\n', StringComparison.Ordinal);
        return newline < 0 ? state : state[..newline] + " ...";
    }
}
