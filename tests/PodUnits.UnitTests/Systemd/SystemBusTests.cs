using PodUnits.Systemd;
using PodUnits.Systemd.Bus;
using PodUnits.Systemd.Units;

namespace PodUnits.UnitTests.Systemd;

/// <summary>No bus at all (a build container): one clear line, not a socket stack trace.</summary>
public sealed class SystemBusTests
{
    [Fact]
    public async Task AMissingBusIsOneClearError()
    {
        string address = $"unix:path=/nonexistent/podunits-{Guid.NewGuid():N}/bus";
        var e = await Assert.ThrowsAsync<SystemdCallException>(() => SystemdManager.ConnectAsync(address));
        Assert.StartsWith($"system bus: cannot reach the system bus at {address}: is systemd running?", e.Message,
            StringComparison.Ordinal);
        Assert.Equal(1, e.ExitCode);
    }

    [Fact]
    public void ErrorRepliesNameTheUnitTheReasonAndTheDBusError()
    {
        SystemdCallException e = DBusErrors.ToException("unit podunits-x.scope", DBusErrors.UnitExists,
            "Unit podunits-x.scope was already loaded or has a fragment file.");
        Assert.Equal("unit podunits-x.scope: already exists (a unit of this name is loaded or has a unit file) "
            + "(org.freedesktop.systemd1.UnitExists)", e.Message);
        Assert.Equal(DBusErrors.UnitExists, e.DBusErrorName);
    }

    [Fact]
    public void UnknownErrorsKeepTheServerText()
    {
        SystemdCallException e = DBusErrors.ToException("machine \"bad name\"", DBusErrors.InvalidArgs, "Invalid machine name");
        Assert.Equal("machine \"bad name\": Invalid machine name (org.freedesktop.DBus.Error.InvalidArgs)", e.Message);
    }
}
