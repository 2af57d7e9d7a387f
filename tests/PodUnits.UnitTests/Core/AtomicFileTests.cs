using System.Diagnostics;
using PodUnits.Core.Files;
using PodUnits.UnitTests.Network;

namespace PodUnits.UnitTests.Core;

/// <summary>Temporaries of a killed writer: removed by the next writer of the same file
/// when their process is gone, never a running writer's or another file's.</summary>
public sealed class AtomicFileTests
{
    [Fact]
    public void OnlyTheTemporariesOfWritersThatAreGoneAreRemoved()
    {
        using var dir = new TempDir();
        using (Process gone = Process.Start("true"))
        {
            gone.WaitForExit();
            string path = System.IO.Path.Join(dir.Path, "refresh.json");
            string dead = dir.Write($".tmp-refresh.json-{gone.Id}-0a1b", "{");
            string running = dir.Write(".tmp-refresh.json-1-0a1b", "{"); // PID 1 runs
            string own = dir.Write($".tmp-refresh.json-{Environment.ProcessId}-0a1b", "{");
            string other = dir.Write($".tmp-refs.json-{gone.Id}-0a1b", "{");

            AtomicFile.RemoveDeadTemporaries(path);

            Assert.False(File.Exists(dead));
            Assert.True(File.Exists(running) && File.Exists(own) && File.Exists(other));
        }
    }
}
