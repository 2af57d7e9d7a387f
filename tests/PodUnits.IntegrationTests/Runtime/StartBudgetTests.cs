using PodUnits.IntegrationTests.Images;

namespace PodUnits.IntegrationTests.Runtime;

/// <summary>
/// A back-off wait keeps the start alive with EXTEND_TIMEOUT_USEC=, which moves systemd's
/// deadline to "now + extension" only; once the wait is over, the rest of the start gets the
/// unit's whole TimeoutStartSec= again. Before, it got what was left of the wait's 30 s
/// extension, and a pod that needs longer to be ready failed every start after a back-off.
/// Alone: another test's daemon-reload re-arms systemd's deadline at the start's beginning
/// plus TimeoutStartSec= (service_coldplug_timeout(), systemd 252), undoing any extension.
/// </summary>
[Collection(HostWideSettings.Name)]
public sealed class StartBudgetTests
{
    private const string Name = "rt-budget";

    private static string Pod(string image, string readiness = "") => StartBackOffTests.Pod(image, Name, readiness);

    [Fact]
    public void AfterABackOffTheRestOfTheStartGetsTheWholeStartTimeout()
    {
        // TimeoutStartSec=45 and a 10 s back-off: the wait's extension ends 40 s after the
        // start began, so without a new budget the deadline stays at 45 s; with it, 55 s. The
        // pod is ready 37 s after its container starts (about 47 s into the start): between.
        string dropIn = $"/run/systemd/system/pod@{Name}.service.d";
        Directory.CreateDirectory(dropIn);
        File.WriteAllText($"{dropIn}/90-timeout.conf", "[Service]\nTimeoutStartSec=45\n");
        try
        {
            string nowhere = $"127.0.0.1:{RegistryFixture.FreePort()}/test/later:1";
            using var pod = new PodHarness(Name, Pod(nowhere));
            Assert.NotEqual(0, pod.Systemctl("start", pod.Unit).Code);
            Assert.True(PodHarness.WaitFor(() => pod.Show("StatusText").Contains("starting again in 10 s", StringComparison.Ordinal), 20),
                pod.UnitJournalText());
            // Fixed during the wait: the waiting start runs this one.
            using var ready = new PodHarness(Name, Pod("busybox",
                "      readinessProbe:\n        exec:\n          command: [\"true\"]\n        initialDelaySeconds: 37\n        periodSeconds: 1"));
            Assert.Equal("45s", pod.Show("TimeoutStartUSec"));
            Assert.True(PodHarness.WaitFor(() => pod.Show("ActiveState") == "active", 90),
                $"{pod.Show("ActiveState")}: {PodHarness.Run("journalctl", "--no-pager", "-o", "short-monotonic", "-u", pod.Unit).Output}");
            Assert.DoesNotContain(pod.Journal("-u", pod.Unit), l => l.Contains("timed out", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(dropIn, recursive: true);
            PodHarness.Run("systemctl", "daemon-reload");
        }
    }
}
