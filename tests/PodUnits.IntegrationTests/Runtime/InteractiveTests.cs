using System.Diagnostics;

namespace PodUnits.IntegrationTests.Runtime;

/// <summary>`podunits run --interactive IMAGE -- CMD`: the container's stdio is the caller's.</summary>
public sealed class InteractiveTests
{
    [Fact]
    public async Task InteractivePodReadsStdinWritesStdoutAndReturnsTheStatus()
    {
        var info = new ProcessStartInfo("/usr/bin/podunits") // the installed binary, not the test build beside this assembly
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (string a in new[] { "run", "--interactive", "--name", "it-pipe", "busybox", "--", "sh", "-c", "read x; echo got-$x; echo host=$(hostname); exit 7" })
        {
            info.ArgumentList.Add(a);
        }
        using Process p = Process.Start(info)!;
        p.StandardInput.WriteLine("hi");
        p.StandardInput.Close();
        Task<string> err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(30_000));
        Assert.Equal("got-hi\nhost=it-pipe\n", output);
        Assert.Equal(7, p.ExitCode);
        Assert.Equal("", await err);
        Assert.False(Directory.Exists("/var/lib/podunits/pods/it-pipe"));
    }
}
