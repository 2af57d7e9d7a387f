using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.Generator;

/// <summary>
/// Upgrade review of 2026-12-07, finding 1: a definition that stops loading while its pod runs
/// (a package's update the validator refuses, a PodUnits upgrade that refuses what the older
/// one accepted) left the running pod@NAME.service bare at the next daemon-reload: Restart=no
/// and the template's 45 s stop timeout instead of its restartPolicy and grace period. The
/// generator now writes what stage 0 saved for the definition the pod started from, while the
/// pod's claim is held, and never for a stopped pod. Host-wide: it reloads systemd.
/// </summary>
[Collection(HostWideSettings.Name)]
public sealed class BrokenRunningDefinitionTests
{
    private const string Name = "gen-keep";
    private const string Unit = $"pod@{Name}.service";
    private const string DefinitionPath = $"/etc/podunits/pods/{Name}.yaml";
    private const string Generated = $"/run/systemd/generator/{Unit}.d/50-podunits.conf";
    private const string RuntimeDir = $"/run/podunits/state/{Name}";
    private const string Saved = $"{RuntimeDir}/unit/50-podunits.conf";

    private static string Settings() => PodHarness.Run("systemctl", "show", "-p", "Restart,TimeoutStopUSec,LogExtraFields", Unit).Output;

    private static string Show(string property) => PodHarness.Run("systemctl", "show", "-P", property, Unit).Output.Trim();

    private static void Must((int Code, string Output) run) => Assert.True(run.Code == 0, run.Output);

    [Fact]
    public void ARunningPodKeepsItsUnitSettingsWhenItsDefinitionStopsLoadingButAStoppedOneDoesNot()
    {
        try
        {
            File.WriteAllText(DefinitionPath, PodHarness.BusyboxPod(Name, "trap 'exit 0' TERM; sleep 1850 & wait", restartPolicy: "Always")
                .Replace("terminationGracePeriodSeconds: 5", "terminationGracePeriodSeconds: 300", StringComparison.Ordinal));
            Must(PodHarness.Run("systemctl", "daemon-reload"));
            Must(PodHarness.Run("systemctl", "start", Unit));
            string before = Settings();
            Assert.Contains("Restart=always", before, StringComparison.Ordinal);
            Assert.DoesNotContain("TimeoutStopUSec=45s", before, StringComparison.Ordinal);
            // Stage 0 saved the generator's own rendering of the definition it started from.
            Assert.Equal(File.ReadAllText(Generated), File.ReadAllText(Saved));
            string mainPid = Show("MainPID");

            File.WriteAllText(DefinitionPath, "apiVersion: v1\nkind: Pod\nspec:\n  containers: []\n");
            var refresh = PodHarness.Run("podunits", "refresh", Name);
            Assert.True(refresh.Code == 1, refresh.Output);
            Assert.Contains($"{Unit}: restart failed: the definition is invalid, so the pod keeps running the one it started with", refresh.Output, StringComparison.Ordinal);
            Assert.Equal("active", Show("ActiveState"));
            Assert.Equal(mainPid, Show("MainPID"));
            Assert.Equal(before, Settings());
            // A plain reload keeps them as well, and the generator says why (its kmsg line, as
            // the dry run prints it: the sandbox's journal may not carry kmsg).
            Must(PodHarness.Run("systemctl", "daemon-reload"));
            Assert.Equal(before, Settings());
            var dry = PodHarness.Run("/usr/bin/podunits", "generate");
            Assert.Contains($"{DefinitionPath}: invalid; {Unit} keeps the running pod's settings, from the definition it started with, until it stops",
                dry.Output, StringComparison.Ordinal);

            // Stopped, with the definition still broken: the unit has no drop-in, even with a
            // copy left behind as a killed executor leaves its runtime directory.
            string saved = File.ReadAllText(Saved);
            Must(PodHarness.Run("systemctl", "stop", Unit));
            Directory.CreateDirectory($"{RuntimeDir}/unit", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.WriteAllText(Saved, saved);
            Must(PodHarness.Run("systemctl", "daemon-reload"));
            Assert.False(File.Exists(Generated));
            Assert.Equal("no", Show("Restart"));
            Assert.Contains($"{Unit} not generated", PodHarness.Run("/usr/bin/podunits", "generate").Output, StringComparison.Ordinal);
        }
        finally
        {
            PodHarness.Run("systemctl", "stop", Unit);
            PodHarness.Run("systemctl", "reset-failed", Unit);
            File.Delete(DefinitionPath);
            if (Directory.Exists(RuntimeDir) && !File.Exists($"{RuntimeDir}/pids"))
            {
                Directory.Delete(RuntimeDir, recursive: true); // the copy this test left
            }
            PodHarness.Run("systemctl", "daemon-reload");
        }
    }
}
