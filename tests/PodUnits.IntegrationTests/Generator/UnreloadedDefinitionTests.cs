using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.Generator;

/// <summary>
/// A definition copied into place and started without a daemon-reload runs pod@NAME.service
/// without the generator's settings (tour E: restartPolicy Always ran with Restart=no). The
/// start's journal and `podunits status` say so, until a daemon-reload brings them. Host-wide:
/// any other test's daemon-reload would run the generator in between.
/// </summary>
[Collection(HostWideSettings.Name)]
public sealed class UnreloadedDefinitionTests
{
    [Fact]
    public void APodStartedBeforeTheGeneratorSawItsDefinitionSaysSoUntilADaemonReload()
    {
        const string name = "gen-noreload";
        const string unit = $"pod@{name}.service";
        string path = $"/etc/podunits/pods/{name}.yaml";
        try
        {
            File.WriteAllText(path, PodHarness.BusyboxPod(name, PodHarness.Idle, restartPolicy: "Always"));
            var start = PodHarness.Run("systemctl", "start", unit);
            Assert.True(start.Code == 0, start.Output);
            Assert.Equal("no", PodHarness.Run("systemctl", "show", "-P", "Restart", unit).Output.Trim()); // the bare template

            string warning = $"systemd has no settings of the generator for {path}";
            Assert.Contains($"Warning: {warning}", PodHarness.Run("podunits", "status", name).Output, StringComparison.Ordinal);
            Assert.True(PodHarness.WaitFor(() => PodHarness.JournalOutput("-u", unit, "-o", "cat").Contains(warning, StringComparison.Ordinal)),
                PodHarness.JournalOutput("-u", unit, "-o", "cat"));

            Assert.Equal(0, PodHarness.Run("systemctl", "daemon-reload").Code);
            Assert.Equal("always", PodHarness.Run("systemctl", "show", "-P", "Restart", unit).Output.Trim());
            Assert.DoesNotContain("Warning:", PodHarness.Run("podunits", "status", name).Output, StringComparison.Ordinal);

            // Written again after the reload, with no setting changed (a command, a ConfigMap
            // of the file): the unit's settings are still the definition's (tour G).
            File.WriteAllText(path, PodHarness.BusyboxPod(name, "echo changed; " + PodHarness.Idle, restartPolicy: "Always"));
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(5));
            Assert.DoesNotContain("Warning:", PodHarness.Run("podunits", "status", name).Output, StringComparison.Ordinal);
            // Edited so that a setting changes: the settings are the older definition's.
            File.WriteAllText(path, PodHarness.BusyboxPod(name, PodHarness.Idle, restartPolicy: "Never"));
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(5));
            Assert.Contains($"Warning: {path} changed after the last daemon-reload", PodHarness.Run("podunits", "status", name).Output, StringComparison.Ordinal);
        }
        finally
        {
            PodHarness.Run("systemctl", "stop", unit);
            PodHarness.Run("systemctl", "reset-failed", unit);
            File.Delete(path);
            PodHarness.Run("systemctl", "daemon-reload");
        }
    }
}
