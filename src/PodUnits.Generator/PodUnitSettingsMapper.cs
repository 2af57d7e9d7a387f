using PodUnits.Core.Identity;
using PodUnits.Definitions;

namespace PodUnits.Generator;

/// <summary>The rules from a pod definition to its unit settings (docs/design.md).</summary>
public static class PodUnitSettingsMapper
{
    /// <param name="hostMachineId">The host's machine ID (32 hex digits), or null when it has
    /// none yet: then the pod's ID cannot be derived and no ID fields are written.</param>
    public static PodUnitSettings Map(PodDefinition pod, string sourcePath, string? hostMachineId) => new()
    {
        PodName = pod.Name,
        SourcePath = sourcePath,
        Description = pod.Annotations.TryGetValue("podunits.io/description", out string? d) && !string.IsNullOrWhiteSpace(d)
            ? d : $"PodUnits pod {pod.Name}",
        Restart = pod.RestartPolicy switch
        {
            RestartPolicy.Always => "always",
            RestartPolicy.OnFailure => "on-failure",
            _ => "no",
        },
        TimeoutStopSeconds = Core.Timing.ExecutorStop.TimeoutSeconds(pod.TerminationGracePeriodSeconds, pod.InitContainers.Count(c => c.Sidecar)),
        TimeoutStart = StartTimeout(pod),
        NeedsNetwork = NeedsNetwork(pod),
        Autostart = pod.Autostart,
        Listen = pod.Activation.Listen,
        MountsFor = [.. pod.Volumes.Select(v => v.HostPath?.Path).OfType<string>().Distinct(StringComparer.Ordinal)],
        LogExtraFields = LogExtraFields(pod, hostMachineId),
    };

    /// <summary>POD_ID, and the container's fields when only one container can write. Not
    /// with init containers: their lines would carry the main container's fields as well.
    /// Nor for a container named like PodUnits' own identifier ("podunits"): the unit's
    /// stream, where stage 1 writes its diagnostics, has that SYSLOG_IDENTIFIER, so with
    /// its CONTAINER_NAME too they would read as the container's lines (`podunits logs`
    /// tells them apart by these two fields). Its lines then carry their fields each.</summary>
    private static List<KeyValuePair<string, string>> LogExtraFields(PodDefinition pod, string? hostMachineId)
    {
        if (hostMachineId is null)
        {
            return [];
        }
        string podId = PodIdentity.PodId(hostMachineId, pod.Name);
        List<ContainerDefinition> writers = pod.AllContainers.ToList();
        return writers.Count == 1 && writers[0].Name != PodJournalFields.OwnIdentifier
            ? PodIdentity.ContainerFields(pod.Name, podId, writers[0].Name).Where(f => f.Key != PodJournalFields.PodName).ToList()
            : [new(PodJournalFields.PodId, podId)];
    }

    /// <summary>TimeoutStartSec='s value for a start without a deadline.</summary>
    public const string NoDeadline = "infinity";

    /// <summary>systemd's start timeout, 90 s by default, is what makes a crash loop fail the
    /// start. Kubernetes gives some starts no such deadline: an init container (a database
    /// migration) runs as long as it takes, so a pod with one gets infinity; a startup probe
    /// may fail for initialDelaySeconds + failureThreshold x (periodSeconds + timeoutSeconds)
    /// before it gives up, and READY=1 waits for every readinessProbe, whose first success
    /// comes after initialDelaySeconds + successThreshold x (periodSeconds + timeoutSeconds)
    /// at the soonest (after the startup probe: Kubernetes runs it first); a pod whose probes
    /// take longer gets that plus a minute for the rest of the start. An image pull extends
    /// the timeout by itself (EXTEND_TIMEOUT_USEC), and the rest of the start then gets the
    /// whole timeout again (Planning/State/StartBudget.cs).</summary>
    public static string? StartTimeout(PodDefinition pod)
    {
        const long DefaultSeconds = 90, RestOfTheStart = 60;
        if (pod.InitContainers.Any(c => !c.Sidecar))
        {
            return NoDeadline;
        }
        long probes = ProbeAllowanceSeconds(pod);
        // Past a century the deadline is none (and systemd's range ends near 2^64 µs anyway).
        const long Century = 100L * 365 * 24 * 3600;
        return probes > Century ? NoDeadline
            : probes + RestOfTheStart > DefaultSeconds ? (probes + RestOfTheStart).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    /// <summary>How long the pod's startup and readiness probes may take to say it is ready,
    /// in seconds: the longest of any container (see <see cref="StartTimeout"/>), each counted
    /// from when it may start. A sidecar (an init container with restartPolicy: Always) holds
    /// back every container after it until its startup probe passes, as the kubelet does, so
    /// the startup allowances of the sidecars before a container add to its own; the largest
    /// of any one container alone made a pod with a slow sidecar and a slow app time out at
    /// every start (health review of 2026-12-07, finding 1). A sidecar's readiness holds
    /// nothing back.</summary>
    public static long ProbeAllowanceSeconds(PodDefinition pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        long heldBack = 0, longest = 0;
        foreach (ContainerDefinition c in pod.AllContainers)
        {
            long startup = StartupAllowance(c.StartupProbe);
            longest = Math.Max(longest, heldBack + startup + ReadinessAllowance(c.ReadinessProbe));
            if (c.Sidecar)
            {
                heldBack += startup;
            }
        }
        return longest;
    }

    private static long StartupAllowance(Probe? p) =>
        p is null ? 0 : p.InitialDelaySeconds + ((long)p.FailureThreshold * ((long)p.PeriodSeconds + p.TimeoutSeconds));

    private static long ReadinessAllowance(Probe? p) =>
        p is null ? 0 : p.InitialDelaySeconds + ((long)p.SuccessThreshold * ((long)p.PeriodSeconds + p.TimeoutSeconds));

    /// <summary>A pod needs the network when it uses the host's, is on a network of its own
    /// choosing (podunits.io/network: a macvlan or ipvlan master, a DHCP server, links the
    /// host brings up at boot), publishes ports, may pull an image from a registry (anything
    /// but a local dir: image or pull policy Never), or copies the host's DNS servers into
    /// its resolv.conf at its start (a copy made before DHCP gave the host any held none for
    /// the pod's life: network review of 2026-12-06, finding 1). The default network itself
    /// is a bridge of PodUnits' own, which needs nothing of the host's network.</summary>
    private static bool NeedsNetwork(PodDefinition pod) =>
        pod.HostNetwork || pod.Network is not null || (pod.DnsPolicy != DnsPolicy.None && !pod.ImageResolvConf) || pod.AllContainers.Any(c =>
            c.Ports.Count > 0 ||
            (!ImageReferences.IsDirectory(c.Image) && c.ImagePullPolicy != ImagePullPolicy.Never));
}
