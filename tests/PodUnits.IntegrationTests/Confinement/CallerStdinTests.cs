using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.Confinement;

/// <summary>
/// A file as the caller's stdin reaches container code through a pipe, never as the host's
/// descriptor, which root container code could write through /proc/self/fd/0 (stage 1
/// native review of 2026-12-07, finding 3): `run -i` and `enter`, with and without `-i`,
/// still read the file's bytes.
/// </summary>
public sealed class CallerStdinTests
{
    private const string Write = "readlink /proc/self/fd/0; echo pwned > /proc/self/fd/0 2>/dev/null; cat";

    [Fact]
    public void AFileAsStdinIsCopiedThroughAPipe()
    {
        string file = Path.Combine(Path.GetTempPath(), $"podunits-caller-stdin-{Environment.ProcessId}");
        File.WriteAllText(file, "the caller's line\n");
        try
        {
            var run = PodHarness.Run("sh", "-c", "exec /usr/bin/podunits run -i busybox -- sh -c \"$1\" < \"$2\"", "sh", Write, file);
            Assert.Equal("the caller's line\n", File.ReadAllText(file));
            Assert.StartsWith("pipe:", run.Output, StringComparison.Ordinal);
            Assert.Contains("the caller's line", run.Output, StringComparison.Ordinal);

            const string name = "caller-stdin";
            using var pod = new PodHarness(name, PodHarness.BusyboxPod(name, "trap 'exit 0' TERM; sleep 1967 & wait"));
            pod.Start();
            foreach (string[] interactive in new[] { Array.Empty<string>(), ["-i"] })
            {
                string[] args = ["-c", "exec /usr/bin/podunits enter \"$@\" < \"$0\"", file, .. interactive, name, "--", "sh", "-c", Write];
                var entered = PodHarness.Run("sh", args);
                Assert.Equal("the caller's line\n", File.ReadAllText(file));
                Assert.StartsWith("pipe:", entered.Output, StringComparison.Ordinal);
                Assert.Contains("the caller's line", entered.Output, StringComparison.Ordinal);
            }
        }
        finally
        {
            File.Delete(file);
        }
    }
}
