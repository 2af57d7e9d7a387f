namespace PodUnits.Definitions;

/// <summary>One container of a pod. <see cref="Command"/> and <see cref="Args"/> keep
/// Kubernetes' meaning (command replaces the image ENTRYPOINT, args its CMD; see
/// <see cref="ContainerProcess"/>) and are not yet $(VAR)-expanded: that needs the image's
/// environment, which only the executor knows.</summary>
public sealed record ContainerDefinition
{
    public required string Name { get; init; }

    /// <summary>The image reference as written (e.g. "busybox", "busybox:1.36").</summary>
    public required string Image { get; init; }

    /// <summary>As written, or Kubernetes' default: Always for ":latest" or no tag, else IfNotPresent.</summary>
    public ImagePullPolicy ImagePullPolicy { get; init; }

    /// <summary>null when not set (the image's ENTRYPOINT applies).</summary>
    public IReadOnlyList<string>? Command { get; init; }

    /// <summary>null when not set (the image's CMD applies unless Command is set).</summary>
    public IReadOnlyList<string>? Args { get; init; }

    /// <summary>In file order; a later duplicate name overrides an earlier one.</summary>
    public IReadOnlyList<EnvVar> Env { get; init; } = [];

    /// <summary>envFrom: applied before env, in order; env entries override them.</summary>
    public IReadOnlyList<EnvFromSource> EnvFrom { get; init; } = [];
    public string? WorkingDir { get; init; }
    public IReadOnlyList<ContainerPort> Ports { get; init; } = [];
    public IReadOnlyList<VolumeMount> VolumeMounts { get; init; } = [];
    public ResourceLimits Limits { get; init; } = ResourceLimits.None;

    /// <summary>resources.requests: not enforced (a scheduling hint), but the downward API
    /// can show them.</summary>
    public ResourceLimits Requests { get; init; } = ResourceLimits.None;
    public ContainerSecurityContext? SecurityContext { get; init; }
    public Probe? ReadinessProbe { get; init; }
    public Probe? LivenessProbe { get; init; }
    public Probe? StartupProbe { get; init; }
    public Lifecycle? Lifecycle { get; init; }

    /// <summary>An init container with `restartPolicy: Always`: a native sidecar (Kubernetes
    /// 1.29+), started in order with the init containers, kept running and restarted like a
    /// container, stopped after the containers.</summary>
    public bool Sidecar { get; init; }
}
