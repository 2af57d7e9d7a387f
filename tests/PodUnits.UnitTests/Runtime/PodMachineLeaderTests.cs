using PodUnits.Core.Native;
using PodUnits.Runtime.Init;

namespace PodUnits.UnitTests.Runtime;

/// <summary>What the end of a pod's machine leader asks of the pod (machinectl reboot is
/// SIGINT, poweroff SIGRTMIN+4), and how its PID crosses from the pod's PID namespace.</summary>
public sealed class PodMachineLeaderTests
{
    [Theory]
    [InlineData(2, true, "machinectl reboot")]
    [InlineData(38, false, "machinectl poweroff")]
    [InlineData(15, false, "SIGTERM to the machine leader")]
    [InlineData(9, false, "the machine leader was killed by signal 9")]
    public void ASignalEndingTheLeaderStopsThePodAndOnlySigintRestartsIt(int signal, bool reboot, string why)
    {
        // A wait status for "killed by signal N" is N itself.
        Assert.Equal((reboot, why), PodMachineLeader.StopFor(signal));
    }

    [Fact]
    public void ALeaderThatExitsStopsThePodAndSaysHow()
    {
        Assert.Equal((false, "the machine leader exited with status 125"), PodMachineLeader.StopFor(125 << 8));
    }

    [Fact]
    public void APidfdTellsThePidOfItsProcessInThisNamespace()
    {
        int fd = LibcExtra.pidfd_open(Environment.ProcessId);
        Assert.True(fd >= 0);
        try
        {
            Assert.Equal(Environment.ProcessId, LibcExtra.PidOfPidfd(fd));
        }
        finally
        {
            LibcExtra.close(fd);
        }
        int notPidfd = LibcExtra.open("/dev/null", LibcExtra.O_RDONLY | LibcExtra.O_CLOEXEC, 0);
        try
        {
            Assert.Null(LibcExtra.PidOfPidfd(notPidfd));
        }
        finally
        {
            LibcExtra.close(notPidfd);
        }
    }
}
