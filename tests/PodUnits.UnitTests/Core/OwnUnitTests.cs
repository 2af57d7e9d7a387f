using PodUnits.Core.Identity;

namespace PodUnits.UnitTests.Core;

/// <summary>Which service a process runs in, from its /proc/PID/cgroup: what decides whether a
/// pod run by hand needs a scope of its own, and whether `podunits stop` signals its executor.</summary>
public sealed class OwnUnitTests : IDisposable
{
    private readonly string _file = Path.GetTempFileName();

    public void Dispose() => File.Delete(_file);

    [Theory]
    [InlineData("0::/system.slice/system-pod.slice/pod@web.service\n", "pod@web.service")] // unified
    [InlineData("12:memory:/system.slice/pod@web.service\n1:name=systemd:/system.slice/pod@web.service\n0::/system.slice/pod@web.service\n", "pod@web.service")] // hybrid
    [InlineData("12:memory:/system.slice/pod@web.service\n1:name=systemd:/system.slice/pod@web.service\n", "pod@web.service")] // legacy v1
    [InlineData("0::/user.slice/user-0.slice/session-3.scope\n", null)] // a terminal
    [InlineData("1:name=systemd:/user.slice/user-0.slice/session-3.scope\n", null)]
    [InlineData("0::/\n", null)]
    [InlineData("", null)]
    public void IsTheServiceOfTheSystemdHierarchy(string cgroup, string? service)
    {
        File.WriteAllText(_file, cgroup);
        Assert.Equal(service, OwnUnit.ServiceName(_file));
    }

    [Fact]
    public void AGoneProcessHasNone() => Assert.Null(OwnUnit.ServiceName("/proc/0/no-such/cgroup"));
}
