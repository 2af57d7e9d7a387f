using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.Confinement;

/// <summary>
/// `podunits enter` (and exec probes) run in the root of the container's mount namespace,
/// where setns(CLONE_NEWNS) puts them, whatever root the container's own process has chosen
/// since: servers that chroot themselves (named -t, unbound's chroot:) stay the container's
/// main process. container-exec prepares the command from outside the container, through
/// /proc/PID/root of that process, which is its chroot: the lookup and the terminal must use
/// the namespace's root instead (review of the 2026-12-08 container-exec change, finding 2).
/// </summary>
public sealed class ChrootedContainerEnterTests : IDisposable
{
    private const string Podunits = "/usr/bin/podunits";
    private const string PodName = "chroot-enter";
    private readonly PodHarness _pod = new(PodName, PodHarness.BusyboxPod(PodName,
        "mkdir -p /jail && cp /bin/busybox /jail/sleep && exec chroot /jail /sleep 1722"));

    public void Dispose() => _pod.Dispose();

    [Fact]
    public void EnterRunsInTheContainersRootNotInItsProcesssChroot()
    {
        Assert.Equal(0, _pod.Systemctl("start", _pod.Unit).Code);
        // The main process is in its jail: only the busybox copy is there, no cat, no /etc.
        Assert.True(PodHarness.WaitFor(() => PodHarness.Run("pgrep", "-x", "-f", "/sleep 1722").Code == 0), PodHarness.StatusText(PodName));
        int jailed = int.Parse(PodHarness.Run("pgrep", "-x", "-f", "/sleep 1722").Output.Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.False(File.Exists($"/proc/{jailed}/root/etc/hostname"));

        var enter = PodHarness.Run(Podunits, "enter", "-T", PodName, "--", "cat", "/etc/hostname");
        Assert.True(enter.Code == 0, enter.Output);
        Assert.Equal(PodName, enter.Output.Trim());

        // A path through a file is "not found" (127), as a shell says, not an internal error.
        var through = PodHarness.Run(Podunits, "enter", "-T", PodName, "--", "/etc/hostname/x");
        Assert.Equal(127, through.Code);
        Assert.Contains("executable \"/etc/hostname/x\" not found in image", through.Output, StringComparison.Ordinal);

        // With a terminal: the pty comes from the container's own devpts, not the jail's.
        using var terminal = new ScriptTerminal($"{Podunits} enter -t {PodName} -- sh -c 'tty; echo tty-done'; echo enter-exit=$?");
        Assert.True(terminal.WaitFor("enter-exit=0"), terminal.Screen);
        Assert.Contains("/dev/pts/", terminal.Screen, StringComparison.Ordinal);
        Assert.Contains("tty-done", terminal.Screen, StringComparison.Ordinal);
    }
}
