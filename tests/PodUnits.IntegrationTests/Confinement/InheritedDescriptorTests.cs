using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.Confinement;

/// <summary>
/// A container's command, and a command `podunits enter` runs in it, get their stdio and no
/// other descriptor: become.c marks every descriptor past stdio and the activation sockets
/// close-on-exec at its last execve, as runc and crun do, so a descriptor of a host
/// directory some later change forgets to mark cannot give the container the host's tree
/// through /proc/self/fd (the CVE-2024-21626 class; confinement review of 2026-12-06,
/// finding 2). Only reads.
/// </summary>
public sealed class InheritedDescriptorTests
{
    private const string PodName = "fd-stdio";

    [Fact]
    public void ACommandGetsItsStdioAndNoOtherDescriptor()
    {
        using var pod = new PodHarness(PodName, PodHarness.BusyboxPod(PodName, "ls -l /proc/self/fd | sed 's/^/fd: /'; " + PodHarness.Idle));
        pod.Start();
        Assert.True(pod.UnitJournalHas(l => l.StartsWith("fd: ", StringComparison.Ordinal) && l.Contains(" 2 -> ", StringComparison.Ordinal)),
            pod.UnitJournalText());
        Assert.Equal(["0", "1", "2"], Descriptors(pod.Journal("-u", pod.Unit).Where(l => l.StartsWith("fd: ", StringComparison.Ordinal))));

        var entered = PodHarness.Run("/usr/bin/podunits", "enter", PodName, "--", "ls", "-l", "/proc/self/fd");
        Assert.True(entered.Code == 0, entered.Output);
        Assert.Equal(["0", "1", "2"], Descriptors(entered.Output.Split('\n')));
    }

    /// <summary>Stdin that is /dev/null is the container's own read-only bind of it, not the
    /// /dev/null the pod init, the executor or the CLI opened in the host's mount namespace,
    /// through which a root container could chmod the host's node (stage 1 native review of
    /// 2026-12-07, finding 2): for the container's command, a postStart hook and an exec probe
    /// a chmod of stdin to the mode it has is refused, and `podunits enter` gets a pipe.
    /// Harmless when it is not: the mode stays as it was.</summary>
    [Fact]
    public void StdinDevNullTakesNoChmod()
    {
        const string name = "fd-stdin-null";
        string hostDevNullBefore = PodHarness.Run("stat", "-c", "%d:%i %z", "/dev/null").Output;
        using var pod = new PodHarness(name, PodHarness.BusyboxPod(name, StdinChmod("main") + "; trap 'exit 0' TERM; sleep 1953 & wait",
            extraContainerYaml: $$"""
                  lifecycle:
                    postStart:
                      exec:
                        command: ["sh", "-c", {{System.Text.Json.JsonSerializer.Serialize(StdinChmod("hook") + " > /tmp/hook.new; mv /tmp/hook.new /tmp/hook-stdin")}}]
                  readinessProbe:
                    exec:
                      command: ["sh", "-c", {{System.Text.Json.JsonSerializer.Serialize(StdinChmod("probe") + " > /tmp/probe.new; mv /tmp/probe.new /tmp/probe-stdin")}}]
                    periodSeconds: 1
            """));
        pod.Start();
        Assert.True(pod.UnitJournalHas(l => l.EndsWith("main stdin 1:3 refused", StringComparison.Ordinal)), pod.UnitJournalText());
        Assert.True(PodHarness.WaitFor(() => PodHarness.ContainerHealth(name, "main")?["ready"]?.GetValue<bool>() == true), PodHarness.StatusText(name));
        (int Code, string Output) written = default;
        Assert.True(PodHarness.WaitFor(() => (written = PodHarness.Run("/usr/bin/podunits", "enter", name, "--", "cat", "/tmp/hook-stdin", "/tmp/probe-stdin")).Code == 0),
            written.Output);
        Assert.Equal("hook stdin 1:3 refused\nprobe stdin 1:3 refused\n", written.Output);
        // The caller's own /dev/null as stdin (not a terminal) reaches the command through a
        // pipe, as any file or device does (the same review's finding 3): never the host's node.
        var entered = PodHarness.Run("sh", "-c", "exec /usr/bin/podunits enter \"$1\" -- readlink /proc/self/fd/0 < /dev/null", "sh", name);
        Assert.True(entered.Code == 0, entered.Output);
        Assert.StartsWith("pipe:", entered.Output, StringComparison.Ordinal);
        Assert.Equal(hostDevNullBefore, PodHarness.Run("stat", "-c", "%d:%i %z", "/dev/null").Output);
    }

    /// <summary>A shell line that chmods its stdin (through /proc/self/fd/0) to the mode it has
    /// and prints "WHO stdin MAJOR:MINOR refused" or "... ESCAPED".</summary>
    private static string StdinChmod(string who) =>
        "d=$(stat -L -c %t:%T /proc/self/fd/0); m=$(stat -L -c %a /proc/self/fd/0); "
        + "if chmod \"$m\" /proc/self/fd/0 2>/dev/null; then r=ESCAPED; else r=refused; fi; echo \"" + who + " stdin $d $r\"";

    /// <summary>The descriptor numbers of `ls -l /proc/self/fd`'s lines, but for the one ls
    /// opened to read that directory.</summary>
    private static string[] Descriptors(IEnumerable<string> lines) => [.. lines
        .Select(line => line.Split(" -> "))
        .Where(parts => parts.Length == 2 && !System.Text.RegularExpressions.Regex.IsMatch(parts[1], @"^/proc/[0-9]+/fd$"))
        .Select(parts => parts[0].Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1])];
}
