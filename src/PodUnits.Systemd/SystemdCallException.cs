using PodUnits.Core.Errors;

namespace PodUnits.Systemd;

/// <summary>
/// systemd or machined refused a call, or a job ended in something other than "done".
/// Carries the D-Bus error name (or the job result) and the unit or machine it was about,
/// so the CLI line reads like
/// <c>podunits: unit podunits-x.scope: already exists (org.freedesktop.systemd1.UnitExists)</c>.
/// </summary>
public sealed class SystemdCallException : PodUnitsException
{
    public SystemdCallException(string subject, string why, string? dbusErrorName = null, string? jobResult = null,
        Exception? inner = null)
        : base(subject, why, ExitCodes.RuntimeFailure, inner)
    {
        Subject = subject;
        DBusErrorName = dbusErrorName;
        JobResult = jobResult;
    }

    /// <summary>What the call was about: <c>unit NAME</c>, <c>machine "NAME"</c> or <c>system bus</c>.</summary>
    public string Subject { get; }

    /// <summary>The D-Bus error name of the reply (e.g. org.freedesktop.systemd1.NoSuchUnit), if any.</summary>
    public string? DBusErrorName { get; }

    /// <summary>The job result when a job ended badly ("failed", "dependency", "timeout", ...), if any.</summary>
    public string? JobResult { get; }

    public SystemdCallException() : this("systemd", "call failed") { }

    public SystemdCallException(string message) : this("systemd", message) { }

    public SystemdCallException(string message, Exception innerException)
        : this("systemd", message, null, null, innerException) { }
}
