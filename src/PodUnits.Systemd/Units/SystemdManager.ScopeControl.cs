using System.Text;
using Tmds.DBus.Protocol;

namespace PodUnits.Systemd.Units;

public sealed partial class SystemdManager
{
    internal const string ScopeInterface = "org.freedesktop.systemd1.Scope";

    /// <summary>This connection's unique bus name (":1.42"): what a scope's
    /// <see cref="TransientUnitProperties.Controller"/> names to have systemd ask this client,
    /// not kill the scope's processes, when the scope is to stop.</summary>
    public string UniqueName => _connection.UniqueName
        ?? throw new InvalidOperationException("the system bus connection has no unique name (not connected to a bus)");

    /// <summary>
    /// Calls <paramref name="onRequest"/> with the unit's object path whenever systemd asks this
    /// client, as the controller of a scope, to stop that scope (org.freedesktop.systemd1.Scope
    /// RequestStop, dbus-scope.c bus_scope_send_request_stop). systemd sends the signal to the
    /// controller alone (sd_bus_send_to), so no match rule is added on the bus (NoSubscribe):
    /// the observer only routes what is delivered here anyway. Sender is systemd's well-known
    /// name, which the client library resolves to its unique name (and follows): a RequestStop
    /// any other peer sends to this connection (the system bus lets anyone send signals) is
    /// not systemd's and is not passed on. The handler runs on the connection's reader: it
    /// must be quick and must not throw. Dispose the result to stop listening.
    /// </summary>
    public async Task<IDisposable> WatchScopeStopRequestsAsync(Action<string> onRequest)
    {
        ArgumentNullException.ThrowIfNull(onRequest);
        var rule = new MatchRule
        {
            Type = MessageType.Signal,
            Sender = Destination,
            Interface = ScopeInterface,
            Member = "RequestStop",
        };
        return await _connection.AddMatchAsync(rule, static (Message m, object? _) => m.PathAsString ?? "",
            static (Notification<string> n) =>
            {
                if (n.HasValue)
                {
                    ((Action<string>)n.State!)(n.Value);
                }
            },
            emitOnCapturedContext: false, ObserverFlags.NoSubscribe, state: onRequest).ConfigureAwait(false);
    }

    /// <summary>Whether systemd runs or has queued a job for the unit (its Job property, (id,
    /// path), id 0 when none). A stop systemd was asked for (the host's shutdown, a stop of the
    /// unit or of its slice) runs as a job; one systemd makes of itself has none: systemd 252
    /// and earlier stop a scope when the kernel OOM-kills a process in it (scope.c, before
    /// scopes had OOMPolicy= in 253). False when the unit is not loaded.</summary>
    public async Task<bool> HasJobAsync(string unitName)
    {
        if (await GetUnitAsync(unitName).ConfigureAwait(false) is not { } path)
        {
            return false;
        }
        try
        {
            VariantValue job = await Bus.BusCalls.GetAsync(_connection, Destination, path, UnitInterface, "Job", Subject(unitName)).ConfigureAwait(false);
            return job.GetItem(0).GetUInt32() != 0;
        }
        catch (SystemdCallException e) when (e.DBusErrorName is DBusErrors.UnknownObject or DBusErrors.NoSuchUnit)
        {
            return false; // unloaded meanwhile
        }
    }

    /// <summary>The object path systemd gives a unit: /org/freedesktop/systemd1/unit/ and the
    /// name with every byte but ASCII letters and digits written as _XX, lower-case hex
    /// (unit_dbus_path, bus_label_escape).</summary>
    public static string UnitObjectPath(string unitName)
    {
        ArgumentException.ThrowIfNullOrEmpty(unitName);
        var path = new StringBuilder("/org/freedesktop/systemd1/unit/");
        foreach (byte b in Encoding.UTF8.GetBytes(unitName))
        {
            if (b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9')
            {
                path.Append((char)b);
            }
            else
            {
                path.Append('_').Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        return path.ToString();
    }
}
