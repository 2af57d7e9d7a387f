using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.Generator;

/// <summary>
/// Generator review of 2026-12-07, finding 1: removing a running pod's definition (a package
/// removed: refresh reloads before it stops the pod) left pod@NAME.service bare at the reload,
/// and its stop had the template's 45 s instead of the pod's grace period, so systemd
/// SIGKILLed a pod in the middle of a longer shutdown. The generator now writes the settings
/// stage 0 saved while the pod's claim is held, as for a definition that no longer loads.
/// Host-wide: it reloads systemd.
/// </summary>
[Collection(HostWideSettings.Name)]
public sealed class RemovedRunningDefinitionTests
{
    private const string Name = "gen-removed";
    private const string Unit = $"pod@{Name}.service";
    private const string DefinitionPath = $"/etc/podunits/pods/{Name}.yaml";
    private const string Generated = $"/run/systemd/generator/{Unit}.d/50-podunits.conf";

    private static string Show(string property) => PodHarness.Run("systemctl", "show", "-P", property, Unit).Output.Trim();

    private static void Must((int Code, string Output) run) => Assert.True(run.Code == 0, run.Output);

    [Fact]
    public void ARunningPodWhoseDefinitionIsRemovedKeepsItsStopTimeoutUntilItStops()
    {
        try
        {
            File.WriteAllText(DefinitionPath, PodHarness.BusyboxPod(Name, "trap 'exit 0' TERM; sleep 1900 & wait", restartPolicy: "Always")
                .Replace("terminationGracePeriodSeconds: 5", "terminationGracePeriodSeconds: 60", StringComparison.Ordinal));
            Must(PodHarness.Run("systemctl", "daemon-reload"));
            Must(PodHarness.Run("systemctl", "start", Unit));
            Assert.Equal("1min 15s", Show("TimeoutStopUSec"));

            File.Delete(DefinitionPath);
            Must(PodHarness.Run("systemctl", "daemon-reload"));
            Assert.Equal("active", Show("ActiveState"));
            Assert.Equal("1min 15s", Show("TimeoutStopUSec"));
            Assert.Equal("always", Show("Restart"));
            Assert.Contains($"pod {Name}: its definition was removed; {Unit} keeps the running pod's settings, from the definition it started with, until it stops",
                PodHarness.Run("/usr/bin/podunits", "generate").Output, StringComparison.Ordinal);

            // Stopped: the copy goes with the run, and the next reload leaves nothing behind.
            Must(PodHarness.Run("systemctl", "stop", Unit));
            Must(PodHarness.Run("systemctl", "daemon-reload"));
            Assert.False(File.Exists(Generated));
            Assert.Equal("45s", Show("TimeoutStopUSec"));
        }
        finally
        {
            PodHarness.Run("systemctl", "stop", Unit);
            PodHarness.Run("systemctl", "reset-failed", Unit);
            File.Delete(DefinitionPath);
            PodHarness.Run("systemctl", "daemon-reload");
        }
    }
}
