namespace PodUnits.IntegrationTests.Runtime;

/// <summary>
/// Terminal review of 2026-12-06, finding 3: `podunits enter -t` ended by the default action
/// of a SIGINT or SIGQUIT sent from elsewhere (raw mode keeps the keys from raising them),
/// leaving the caller's terminal raw; and a command that ignores SIGHUP kept the root
/// `podunits enter` running for good after its session had gone. Both are passed on to the
/// command now, and a hang-up kills it a grace period later. Only pods' processes are signalled.
/// </summary>
public sealed class EnterSignalTests
{
    private const string Podunits = "/usr/bin/podunits";

    [Fact]
    public void AnInterruptGoesToTheCommandAndAHangUpEndsOneThatIgnoresIt()
    {
        const string name = "enter-hup";
        using var pod = new PodHarness(name, PodHarness.BusyboxPod(name, PodHarness.Idle));
        pod.Start();
        using var terminal = new ScriptTerminal(
            $"{Podunits} enter -t {name} -- sh -c \"trap '' HUP TERM INT QUIT; echo entered-ready; exec sleep 6061\"; echo enter-exit=$?");
        Assert.True(terminal.WaitFor("entered-ready"), terminal.Screen);
        string enter = PodHarness.Run("pgrep", "-f", $"^{Podunits} enter -t {name}").Output.Trim();
        Assert.Matches("^[0-9]+$", enter);

        Assert.Equal(0, PodHarness.Run("kill", "-INT", enter).Code);
        Thread.Sleep(1000); // time enough for a process to end by a signal's default action
        Assert.DoesNotContain("enter-exit=", terminal.Screen, StringComparison.Ordinal);

        Assert.Equal(0, PodHarness.Run("kill", "-HUP", enter).Code);
        Assert.True(terminal.WaitFor("enter-exit=", seconds: 60), terminal.Screen);
        Assert.True(PodHarness.WaitFor(() => PodHarness.Run("pgrep", "-x", "-f", "sleep 6061").Code != 0), "the entered command outlived its session");
    }
}
