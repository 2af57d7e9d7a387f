using Tmds.DBus.Protocol;

namespace PodUnits.Systemd;

/// <summary>
/// The D-Bus error names systemd and machined reply with (sd-bus errors in systemd's
/// src/libsystemd/sd-bus/bus-common-errors.h), and the one place that turns a reply into a
/// <see cref="SystemdCallException"/> whose message says what to do about it.
/// </summary>
public static class DBusErrors
{
    public const string NoSuchUnit = "org.freedesktop.systemd1.NoSuchUnit";
    public const string UnitExists = "org.freedesktop.systemd1.UnitExists";
    public const string LoadFailed = "org.freedesktop.systemd1.LoadFailed";
    public const string NoSuchJob = "org.freedesktop.systemd1.NoSuchJob";
    public const string NotSubscribed = "org.freedesktop.systemd1.NotSubscribed";
    public const string UnitMasked = "org.freedesktop.systemd1.UnitMasked";
    public const string UnitInactive = "org.freedesktop.systemd1.UnitInactive";
    public const string TransactionIsDestructive = "org.freedesktop.systemd1.TransactionIsDestructive";
    public const string NoSuchMachine = "org.freedesktop.machine1.NoSuchMachine";
    public const string MachineExists = "org.freedesktop.machine1.MachineExists";
    public const string NoMachineForPid = "org.freedesktop.machine1.NoMachineForPID";
    public const string InvalidArgs = "org.freedesktop.DBus.Error.InvalidArgs";
    public const string UnixProcessIdUnknown = "org.freedesktop.DBus.Error.UnixProcessIdUnknown";
    public const string AccessDenied = "org.freedesktop.DBus.Error.AccessDenied";
    public const string ServiceUnknown = "org.freedesktop.DBus.Error.ServiceUnknown";
    public const string UnknownObject = "org.freedesktop.DBus.Error.UnknownObject";

    /// <summary>
    /// The exception for a failed call about <paramref name="subject"/> (<c>unit X</c>,
    /// <c>machine "X"</c>). Known names get a short reason a person can act on; every message
    /// keeps the server's own text and the error name in parentheses.
    /// </summary>
    public static SystemdCallException ToException(string subject, string errorName, string? serverMessage, Exception? inner = null)
    {
        string why = Reason(errorName, serverMessage);
        return new SystemdCallException(subject, $"{why} ({errorName})", errorName, null, inner);
    }

    internal static SystemdCallException ToException(string subject, DBusErrorReplyException e) =>
        ToException(subject, e.ErrorName, e.ErrorMessage, e);

    private static string Reason(string errorName, string? serverMessage)
    {
        // Known errors get a short phrase (systemd's own text repeats the unit name); others keep the server's words.
        string? known = errorName switch
        {
            UnitExists => "already exists (a unit of this name is loaded or has a unit file)",
            NoSuchUnit => "not loaded (no such unit)",
            NoSuchMachine => "no such machine",
            MachineExists => "a machine with this name already exists",
            UnitMasked => "unit is masked",
            AccessDenied => "access denied: run as root",
            ServiceUnknown => "the service is not available on the system bus",
            _ => null,
        };
        return known ?? (string.IsNullOrWhiteSpace(serverMessage) ? "call failed" : serverMessage.TrimEnd('.'));
    }
}
