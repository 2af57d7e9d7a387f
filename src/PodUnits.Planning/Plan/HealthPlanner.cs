using PodUnits.Definitions;

using PodUnits.Runtime.Plan;

namespace PodUnits.Planning.Plan;

/// <summary>A container's probes, lifecycle hooks and restart rule, from the definition into
/// the plan. The definition is validated: each probe and hook has exactly one handler.</summary>
public static class HealthPlanner
{
    /// <summary>Kubernetes' rule: a container restarts as the pod's restartPolicy says, a
    /// sidecar always; an init container is retried on failure unless the pod's policy is
    /// Never, and never runs again once it has succeeded.</summary>
    public static ContainerRestart Restart(RestartPolicy pod, ContainerDefinition container, bool init)
    {
        ArgumentNullException.ThrowIfNull(container);
        if (container.Sidecar)
        {
            return ContainerRestart.Always;
        }
        if (init)
        {
            return pod == RestartPolicy.Never ? ContainerRestart.Never : ContainerRestart.OnFailure;
        }
        return pod switch
        {
            RestartPolicy.Always => ContainerRestart.Always,
            RestartPolicy.OnFailure => ContainerRestart.OnFailure,
            _ => ContainerRestart.Never,
        };
    }

    /// <summary>A probe; an exec probe's command has its $(VAR) references expanded as the
    /// kubelet does (ExpandContainerCommandOnlyStatic): from the container's own `env`
    /// entries as written, the last of a name winning, where an entry with valueFrom counts
    /// as "" (its value is not known to the spec, and a Secret's must not reach a command
    /// line); envFrom and the image's environment do not count.</summary>
    public static ProbePlan? Probe(Probe? probe, IReadOnlyList<EnvVar> env) => probe is null ? null : new ProbePlan
    {
        Exec = probe.ExecCommand is null ? null : ExpandStatic(probe.ExecCommand, env),
        TcpPort = probe.TcpPort,
        TcpHost = probe.TcpHost,
        HttpGet = HttpGet(probe.HttpGet),
        Grpc = probe.Grpc is { } grpc ? new GrpcPlan { Port = grpc.Port, Service = grpc.Service } : null,
        InitialDelaySeconds = probe.InitialDelaySeconds,
        PeriodSeconds = probe.PeriodSeconds,
        TimeoutSeconds = probe.TimeoutSeconds,
        SuccessThreshold = probe.SuccessThreshold,
        FailureThreshold = probe.FailureThreshold,
        TerminationGracePeriodSeconds = Clamp(probe.TerminationGracePeriodSeconds),
    };

    public static HookPlan? Hook(LifecycleHandler? hook) => hook is null ? null : new HookPlan
    {
        Exec = hook.ExecCommand is null ? null : [.. hook.ExecCommand],
        HttpGet = HttpGet(hook.HttpGet),
        SleepSeconds = Clamp(hook.SleepSeconds),
    };

    private static List<string> ExpandStatic(IEnumerable<string> command, IReadOnlyList<EnvVar> env)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (EnvVar e in env)
        {
            values[e.Name] = e.From is null ? e.Value : "";
        }
        return [.. command.Select(arg => EnvExpansion.Expand(arg, name => values.GetValueOrDefault(name)))];
    }

    private static HttpGetPlan? HttpGet(HttpGetAction? action) => action is null ? null : new HttpGetPlan
    {
        Scheme = action.Scheme,
        Host = action.Host,
        Port = action.Port,
        Path = action.Path,
        Headers = [.. action.Headers.Select(h => new HttpHeaderPlan { Name = h.Key, Value = h.Value })],
    };

    /// <summary>Seconds past int.MaxValue (68 years) mean "never" as well as int.MaxValue does.</summary>
    private static int? Clamp(long? seconds) => seconds is long s ? (int)Math.Clamp(s, 0, int.MaxValue) : null;
}
