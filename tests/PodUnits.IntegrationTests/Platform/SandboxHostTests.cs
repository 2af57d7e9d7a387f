using Tmds.DBus.Protocol;

namespace PodUnits.IntegrationTests.Platform;

/// <summary>
/// Proves the test host is a real systemd reachable over the system bus: if these fail,
/// every other integration test would be testing nothing.
/// </summary>
public sealed class SandboxHostTests
{
    [Fact]
    public void Pid1IsSystemd()
    {
        // The sandbox (tests/sandbox/sandbox.sh) boots systemd as PID 1 of its PID namespace.
        Assert.Equal("systemd", File.ReadAllText("/proc/1/comm").Trim());
        Assert.True(Directory.Exists("/run/systemd/system"), "/run/systemd/system marks a systemd-booted host");
    }

    [Fact]
    public async Task SystemdReportsDbusServiceActiveOverDBus()
    {
        using var connection = new DBusConnection(DBusAddress.System!);
        await connection.ConnectAsync();

        string unitPath = await CallAsync(connection, "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager",
            "GetUnit", "dbus.service", static (Message m, object? _) => m.GetBodyReader().ReadObjectPathAsString());
        Assert.StartsWith("/org/freedesktop/systemd1/unit/dbus", unitPath, StringComparison.Ordinal);

        string activeState = await GetStringPropertyAsync(connection, unitPath, "org.freedesktop.systemd1.Unit", "ActiveState");
        Assert.Equal("active", activeState);
    }

    private static Task<T> CallAsync<T>(DBusConnection connection, string path, string iface, string member, string argument,
        MessageValueReader<T> reader)
    {
        using MessageWriter writer = connection.GetMessageWriter();
        writer.WriteMethodCallHeader(destination: "org.freedesktop.systemd1", path: path, @interface: iface,
            member: member, signature: "s");
        writer.WriteString(argument);
        return connection.CallMethodAsync(writer.CreateMessage(), reader);
    }

    private static Task<string> GetStringPropertyAsync(DBusConnection connection, string path, string iface, string property)
    {
        using MessageWriter writer = connection.GetMessageWriter();
        writer.WriteMethodCallHeader(destination: "org.freedesktop.systemd1", path: path,
            @interface: "org.freedesktop.DBus.Properties", member: "Get", signature: "ss");
        writer.WriteString(iface);
        writer.WriteString(property);
        return connection.CallMethodAsync(writer.CreateMessage(),
            static (Message m, object? _) => m.GetBodyReader().ReadVariantValue().GetString());
    }
}
