using System.Diagnostics;
using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.UserNamespaces;

/// <summary>
/// `podunits run -it` of a pod with its own user namespace opens the container's ptmx before
/// it enters the container, as host root in a mount namespace that still holds the host's
/// tree. User-namespace review of 2026-12-07, finding 6: it was opened by host path, so a
/// volume over /dev/pts whose "ptmx" links to a host file made container-start open that
/// host file read-write (a watchdog armed that way can reboot the host).
/// </summary>
[Collection(HostWideSettings.Name)]
public sealed class UserNamespaceTerminalTests
{
    [Fact]
    public void APtmxLinkInAVolumeOverDevPtsIsNeverOpenedOnTheHost()
    {
        // On the sandbox's /tmp, a tmpfs: its overlayfs root cannot be an idmapped mount.
        const string volume = "/tmp/podunits-ptmx";
        const string canary = "/tmp/podunits-ptmx-canary";
        PodHarness.Run("rm", "-rf", volume, canary);
        Directory.CreateDirectory(volume);
        Assert.Equal(0, PodHarness.Run("mkfifo", canary).Code);
        File.CreateSymbolicLink($"{volume}/ptmx", canary);
        // A reader of the FIFO returns as soon as anyone opens it for writing and closes it.
        using var reader = Process.Start("timeout", ["20", "cat", canary]);
        try
        {
            HostWideSettings.With("userNamespaces: auto\n", () =>
            {
                var run = PodHarness.Run("script", "-qec",
                    $"/usr/bin/podunits run -it --name userns-ptmx --volume {volume}:/dev/pts busybox -- true", "/dev/null");
                Assert.True(run.Code != 0, run.Output); // refused: what the volume holds is no devpts ptmx
            });
            Assert.False(reader.WaitForExit(2000), "the host's FIFO was opened through the container's /dev/pts/ptmx");
        }
        finally
        {
            if (!reader.HasExited)
            {
                reader.Kill();
            }
            PodHarness.Run("rm", "-rf", volume, canary);
        }
    }
}
