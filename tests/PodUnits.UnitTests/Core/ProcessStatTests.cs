using System.Diagnostics;
using PodUnits.Core.Linux;

namespace PodUnits.UnitTests.Core;

public sealed class ProcessStatTests
{
    [Fact]
    public void ARunningProcessHasNotEndedAndItsParentIsKnown()
    {
        using var sleeper = Process.Start(new ProcessStartInfo("/bin/sleep", "30"))!;
        try
        {
            Assert.False(ProcessStat.HasEnded(sleeper.Id));
            Assert.Equal(Environment.ProcessId, ProcessStat.ParentOf(sleeper.Id));
        }
        finally
        {
            sleeper.Kill();
        }
    }

    [Fact]
    public void AZombieHasEndedAsAProcessThatIsGone()
    {
        // .NET reaps its children, so the zombie is made by a shell that does not: its child
        // exits at once and stays a zombie while the shell sleeps.
        using var shell = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "/bin/true & exec /bin/sleep 30"]) { RedirectStandardOutput = true })!;
        try
        {
            int zombie = WaitForChildOf(shell.Id);
            Assert.True(SpinWait.SpinUntil(() => ProcessStat.HasEnded(zombie), TimeSpan.FromSeconds(10)));
            Assert.Equal(shell.Id, ProcessStat.ParentOf(zombie)); // still there: ended, not gone
        }
        finally
        {
            shell.Kill();
        }
        Assert.True(ProcessStat.HasEnded(int.MaxValue));
        Assert.Null(ProcessStat.ParentOf(int.MaxValue));
    }

    private static int WaitForChildOf(int parent)
    {
        string children = $"/proc/{parent}/task/{parent}/children";
        string found = "";
        Assert.True(SpinWait.SpinUntil(() => (found = File.ReadAllText(children).Trim()).Length > 0, TimeSpan.FromSeconds(10)));
        return int.Parse(found.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }
}
