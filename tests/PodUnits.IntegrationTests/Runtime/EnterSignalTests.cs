using System.Text.RegularExpressions;

namespace PodUnits.IntegrationTests.Runtime;

/// <summary>
/// Terminal review of 2026-12-06, finding 3: `podunits enter -t` and `attach` ended by the
/// default action of a SIGINT or SIGQUIT sent from elsewhere (raw mode keeps the keys from
/// raising them), leaving the caller's terminal raw; and a command that ignores SIGHUP and
/// SIGTERM kept the root `podunits enter` running for good after its session had gone. enter
/// passes them on to the command now and kills it a grace period after a SIGHUP or SIGTERM;
/// attach detaches. Only pods' processes are signalled.
/// </summary>
public sealed class EnterSignalTests
{
    private const string Podunits = "/usr/bin/podunits";

    [Theory]
    [InlineData("HUP", 6061)]
    [InlineData("TERM", 6062)]
    public void AnInterruptGoesToTheCommandAndAHangUpOrTermEndsOneThatIgnoresIt(string signal, int sleep)
    {
        string name = $"enter-{signal.ToLowerInvariant()}";
        using var pod = new PodHarness(name, PodHarness.BusyboxPod(name, PodHarness.Idle));
        pod.Start();
        using var terminal = new ScriptTerminal($"{Podunits} enter -t {name} -- sh -c "
            + $"\"trap 'echo got-int' INT; trap '' HUP TERM QUIT; echo entered-ready; sleep {sleep} & while :; do wait; done\"; echo enter-exit=$?; stty -a");
        Assert.True(terminal.WaitFor("entered-ready"), terminal.Screen);
        string enter = PodHarness.Run("pgrep", "-f", $"^{Podunits} enter -t {name}").Output.Trim();
        Assert.Matches("^[0-9]+$", enter);

        // The command's trap shows the interrupt reached it; enter itself goes on.
        Assert.Equal(0, PodHarness.Run("kill", "-INT", enter).Code);
        Assert.True(terminal.WaitFor("got-int"), terminal.Screen);
        Assert.DoesNotContain("enter-exit=", terminal.Screen, StringComparison.Ordinal);

        Assert.Equal(0, PodHarness.Run("kill", $"-{signal}", enter).Code);
        Assert.True(terminal.WaitFor("enter-exit=", seconds: 60), terminal.Screen);
        Assert.True(PodHarness.WaitFor(() => PodHarness.Run("pgrep", "-x", "-f", $"sleep {sleep}").Code != 0), "the entered command outlived its session");
        Assert.Equal(0, terminal.WaitForExit()); // stty -a's
        string modes = terminal.Screen[terminal.Screen.LastIndexOf("enter-exit=", StringComparison.Ordinal)..];
        Assert.Matches(@"(^|\s)icanon(\s|$)", modes); // the caller's terminal is given back
    }

    [Fact]
    public void AnInterruptFromElsewhereDetachesAttachAndGivesTheTerminalBack()
    {
        const string pod = "enter-attach-int";
        try
        {
            using (var first = new ScriptTerminal($"{Podunits} run -it --name {pod} -e 'PS1=ai$ ' busybox -- sh; echo run-exit=$?"))
            {
                Assert.True(first.WaitFor("ai$ "), first.Screen);
                first.Type("\u0010\u0011"); // Ctrl-P Ctrl-Q
                Assert.Equal(0, first.WaitForExit());
            }
            using var second = new ScriptTerminal($"{Podunits} attach {pod}; echo attach-exit=$?; stty -a");
            string attach = "";
            Assert.True(PodHarness.WaitFor(() => Regex.IsMatch(attach = PodHarness.Run("pgrep", "-f", $"^{Podunits} attach {pod}$").Output.Trim(), "^[0-9]+$")),
                second.Screen);
            second.Type("echo attached-$((6*7))\n");
            Assert.True(second.WaitFor("attached-42"), second.Screen); // the session is up, its terminal raw

            Assert.Equal(0, PodHarness.Run("kill", "-INT", attach).Code);
            // Detached before script(1)'s input closes: its end-of-file would reach the pod's shell.
            Assert.True(second.WaitFor($"detached from pod {pod}"), second.Screen);
            Assert.Equal(0, second.WaitForExit());
            string screen = second.Screen;
            Assert.Contains($"detached from pod {pod}", screen, StringComparison.Ordinal);
            Assert.Contains("attach-exit=0", screen, StringComparison.Ordinal);
            Assert.Matches(@"(^|\s)icanon(\s|$)", screen[screen.LastIndexOf("attach-exit=0", StringComparison.Ordinal)..]);
            Assert.Matches($@"(?m)^{pod}\s+active\b", PodHarness.Run(Podunits, "list").Output); // the pod runs on
        }
        finally
        {
            PodHarness.Run(Podunits, "stop", pod);
        }
    }
}
