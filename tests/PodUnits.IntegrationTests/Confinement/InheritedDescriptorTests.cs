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

    /// <summary>The descriptor numbers of `ls -l /proc/self/fd`'s lines, but for the one ls
    /// opened to read that directory.</summary>
    private static string[] Descriptors(IEnumerable<string> lines) => [.. lines
        .Select(line => line.Split(" -> "))
        .Where(parts => parts.Length == 2 && !System.Text.RegularExpressions.Regex.IsMatch(parts[1], @"^/proc/[0-9]+/fd$"))
        .Select(parts => parts[0].Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1])];
}
