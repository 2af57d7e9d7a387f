using System.Globalization;
using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.UserNamespaces;

/// <summary>
/// Review of 2026-12-05: joining a user namespace gives a process a full bounding set in it,
/// so a capability pod@.service's CapabilityBoundingSet= (or an administrator's drop-in) took
/// away came back for a hostUsers: false pod's container and for `podunits enter`. It stays
/// away now. CAP_NET_BIND_SERVICE (bit 10) is one of the container's defaults, and the executor needs it only for host ports below 1024.
/// </summary>
public sealed class UserNamespaceBoundingSetTests
{
    private const string Name = "userns-bset";
    private const ulong NetBindService = 1UL << 10;

    [Fact]
    public void ACapabilityTheServiceDropsStaysDroppedInsideTheNamespace()
    {
        string dropIn = $"/run/systemd/system/pod@{Name}.service.d";
        Directory.CreateDirectory(dropIn);
        File.WriteAllText($"{dropIn}/caps.conf", "[Service]\nCapabilityBoundingSet=~CAP_NET_BIND_SERVICE\n");
        try
        {
            using var pod = new PodHarness(Name, PodHarness.BusyboxPod(Name, "grep -E '^Cap(Bnd|Eff)' /proc/self/status; echo done; " + PodHarness.Idle,
                extraSpecYaml: "  hostUsers: false"));
            pod.Start();
            Assert.True(PodHarness.WaitFor(() => pod.Journal("-u", pod.Unit).Contains("done")), pod.UnitJournalText());
            string[] container = pod.Journal("-u", pod.Unit, "CONTAINER_NAME=main");
            Assert.Equal(0UL, Mask(container, "CapBnd") & NetBindService);
            Assert.Equal(0UL, Mask(container, "CapEff") & NetBindService);

            // `podunits enter` runs from an administrator's shell, whose bounding set is full:
            // it takes the pod init's (the service's) before it joins the namespace.
            // (`enter --privileged` keeps the administrator's, by design.)
            var status = PodHarness.Run("podunits", "enter", Name, "--", "grep", "-E", "^Cap(Bnd|Eff)", "/proc/self/status");
            Assert.True(status.Code == 0, status.Output);
            string[] lines = status.Output.Split('\n');
            Assert.Equal(0UL, Mask(lines, "CapBnd") & NetBindService);
            Assert.Equal(0UL, Mask(lines, "CapEff") & NetBindService);
        }
        finally
        {
            Directory.Delete(dropIn, recursive: true);
            PodHarness.Run("systemctl", "daemon-reload");
        }
    }

    private static ulong Mask(string[] lines, string field) =>
        ulong.Parse(lines.Single(l => l.StartsWith(field + ":", StringComparison.Ordinal))[(field.Length + 1)..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
