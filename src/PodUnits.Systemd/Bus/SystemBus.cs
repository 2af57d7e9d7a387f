using System.Net.Sockets;
using Tmds.DBus.Protocol;

namespace PodUnits.Systemd.Bus;

/// <summary>
/// Opens connections to the system bus with one clear error when it cannot be reached
/// (no systemd/dbus running, as on a build container), instead of a socket stack trace.
/// </summary>
public static class SystemBus
{
    /// <summary>The system bus address: $DBUS_SYSTEM_BUS_ADDRESS or the well-known socket.</summary>
    public static string Address =>
        DBusAddress.System ?? "unix:path=/var/run/dbus/system_bus_socket";

    /// <summary>Connects to <paramref name="address"/> (default: the system bus).</summary>
    public static async Task<DBusConnection> ConnectAsync(string? address = null, CancellationToken cancellationToken = default)
    {
        address ??= Address;
        var connection = new DBusConnection(address);
        try
        {
            await connection.ConnectAsync().AsTask().WaitAsync(cancellationToken);
            return connection;
        }
        catch (Exception e) when (e is DBusConnectionException or SocketException or IOException or UnauthorizedAccessException)
        {
            connection.Dispose();
            throw new SystemdCallException("system bus",
                $"cannot reach the system bus at {address}: is systemd running? ({e.Message})", inner: e);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>A call failed because the connection broke: say so once, clearly.</summary>
    internal static SystemdCallException Lost(string subject, Exception e) =>
        new(subject, $"lost the connection to the system bus: {e.Message}", inner: e);
}
