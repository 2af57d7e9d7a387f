using PodUnits.Definitions;

namespace PodUnits.Generator;

/// <summary>The rules from a pod definition to its unit settings (DESIGN.md).</summary>
public static class PodUnitSettingsMapper
{
    /// <summary>Seconds the executor needs beyond the pod's grace period to stop scopes,
    /// the machine and its pod journal; systemd must not SIGKILL it before that.</summary>
    public const int ExecutorStopMarginSeconds = 15;

    public static PodUnitSettings Map(PodDefinition pod, string sourcePath) => new()
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
        TimeoutStopSeconds = checked((int)Math.Min(int.MaxValue - ExecutorStopMarginSeconds, pod.TerminationGracePeriodSeconds))
            + ExecutorStopMarginSeconds,
        NeedsNetwork = NeedsNetwork(pod),
        Autostart = pod.Autostart,
    };

    /// <summary>A pod needs the network when it uses the host's, publishes ports, or may
    /// pull an image from a registry (anything but a local dir: image or pull policy Never).</summary>
    private static bool NeedsNetwork(PodDefinition pod) =>
        pod.HostNetwork || pod.AllContainers.Any(c =>
            c.Ports.Count > 0 ||
            (!c.Image.StartsWith("dir:", StringComparison.Ordinal) && c.ImagePullPolicy != ImagePullPolicy.Never));
}
