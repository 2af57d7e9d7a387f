using System.CommandLine;
using PodUnits.Core.Errors;
using PodUnits.Core.Naming;
using PodUnits.Definitions;
using PodUnits.Runtime.Executor;
using PodUnits.Systemd;
using PodUnits.Systemd.Units;

namespace PodUnits.Cli.Commands;

/// <summary><c>podunits update NAME --container C [--memory Q] [--cpu Q]</c>: changes a
/// running container's limits on its scope (SetUnitProperties, runtime only: the definition
/// decides again at the next start).</summary>
internal static class UpdateCommand
{
    public static Command Create()
    {
        var name = PodArgument.Create();
        var container = new Option<string>("--container", "-c") { Description = "The container whose limits change.", Required = true };
        var memory = new Option<string?>("--memory", "-m") { Description = "New memory limit, a Kubernetes quantity (256Mi, 1G; at least 6Mi) or 'max' for none." };
        var cpu = new Option<string?>("--cpu") { Description = "New CPU limit, a Kubernetes quantity (500m, 2) or 'max' for none." };
        var command = new Command("update", """
            Change a running container's resource limits, at once, on its scope
            (podunits-NAME-CONTAINER.scope: MemoryMax=, CPUQuota=), and again when the container
            restarts. Until the pod restarts: edit the definition to keep them.
              podunits update web --container app --memory 256Mi
              podunits update web -c server --cpu 1500m --memory max
            """) { name, container, memory, cpu };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            string pod = PodArgument.Validated(parsed, name);
            string c = parsed.GetValue(container)!;
            if (ResourceNames.Explain(c) is { } why)
            {
                throw new BadInputException($"container name \"{c}\"", why);
            }
            var properties = new TransientUnitProperties();
            if (parsed.GetValue(memory) is { } m)
            {
                properties.MemoryMax = Limit(m, "--memory", Quantities.TryParseMemoryBytes, v => (ulong)v);
                if (properties.MemoryMax < Quantities.LeastCliMemoryBytes)
                {
                    throw new BadInputException($"--memory {m}", "less than 6Mi, the least podman and Docker allow (the container would be OOM-killed at once)");
                }
                // No swap past the new limit either, as a scope gets from the start (ContainerUnits);
                // said again for a scope an older PodUnits made (systemd review of 2026-12-07, finding 2).
                properties.MemorySwapMax = 0;
            }
            if (parsed.GetValue(cpu) is { } q)
            {
                properties.CpuQuotaPerSecUSec = Limit(q, "--cpu", Quantities.TryParseCpuMillis, v => TransientUnitProperties.CpuQuotaFromMillicores((ulong)v));
            }
            if (properties.MemoryMax is null && properties.CpuQuotaPerSecUSec is null)
            {
                throw new BadInputException("update", "nothing to change: give --memory and/or --cpu");
            }
            PodArgument.RequireKnown(pod); // "no such pod", exit 2, as enter and logs say
            string scope = ContainerUnits.ScopeName(pod, c);
            int? run = Runtime.State.PodState.Pids(pod)?.Executor; // the run this update is for
            await using SystemdManager systemd = await SystemdManager.ConnectAsync(cancellationToken);
            if (await systemd.GetUnitStatusAsync(scope) is not { IsActive: true })
            {
                if (Runtime.Plan.PodPlan.ReadRunning(pod) is { } plan && plan.Containers.All(x => x.Name != c))
                {
                    throw new BadInputException($"pod {pod}", $"has no container \"{c}\" (it has: {string.Join(", ", plan.Containers.Select(x => x.Name))})");
                }
                throw new PodUnitsException($"pod {pod}: container {c}", $"is not running (no active {scope})");
            }
            RequireWithinPodLimits(pod, c, properties);
            // For the container's next scope too, should it restart: systemd forgets these with
            // the scope. Saved first, for this run only (review of 2026-12-06, activation 9): a
            // container that restarts between the two steps gets them in its new scope (the
            // executor applies them as it places it; the property call reaches the scope of
            // that name when it exists); a pod that started again before the save gets none of
            // them, and one that started again between the two steps is said to.
            if (run is not { } executor || !Runtime.State.ContainerLimitUpdates.Save(pod, c, properties.MemoryMax, properties.CpuQuotaPerSecUSec, executor))
            {
                throw new PodUnitsException($"pod {pod}", "ended or started again while being updated; its new run has its definition's limits (run the update again)");
            }
            try
            {
                await systemd.SetUnitPropertiesAsync(scope, runtime: true, properties);
            }
            catch (SystemdCallException e)
            {
                if (await systemd.GetUnitStatusAsync(scope) is { IsActive: true })
                {
                    throw;
                }
                throw new PodUnitsException($"pod {pod}: container {c}", $"ended as it was being updated (no active {scope}); " +
                    "the new limit is saved and applies if it starts again", inner: e);
            }
            if (Runtime.State.PodState.Pids(pod)?.Executor != executor)
            {
                throw new PodUnitsException($"pod {pod}", "started again while being updated: its new run's container may have the new limit " +
                    "until it restarts, then its definition's (run the update again to keep it)");
            }
            return 0;
        });
        return command;
    }

    /// <summary>A pod's limit must be at least each container's, as the definition's check
    /// says (and the pod's slice would cap the container anyway): a larger limit, or none
    /// ('max') under a pod limit, is refused rather than shown and never in effect.</summary>
    private static void RequireWithinPodLimits(string pod, string container, TransientUnitProperties properties)
    {
        if (Runtime.Plan.PodPlan.ReadRunning(pod) is not { } plan)
        {
            return; // ended meanwhile: the scope call says so
        }
        if (plan.MemoryMaxBytes is ulong podMemory && properties.MemoryMax is ulong memory && memory > podMemory)
        {
            throw new BadInputException($"--memory for container {container}",
                $"more than pod {pod}'s own limit of {podMemory} bytes (spec.resources.limits.memory); a pod's limit must be at least each container's");
        }
        if (plan.CpuMillicores is ulong podCpu && properties.CpuQuotaPerSecUSec is ulong quota
            && quota > TransientUnitProperties.CpuQuotaFromMillicores(podCpu))
        {
            throw new BadInputException($"--cpu for container {container}",
                $"more than pod {pod}'s own limit of {podCpu}m (spec.resources.limits.cpu); a pod's limit must be at least each container's");
        }
    }

    private delegate bool Parser(string text, out long value, out string? error);

    private static ulong Limit(string text, string option, Parser parse, Func<long, ulong> convert)
    {
        if (text == "max")
        {
            return TransientUnitProperties.Infinity;
        }
        if (!parse(text, out long value, out string? error) || value <= 0)
        {
            throw new BadInputException($"{option} {text}", error ?? "must be more than zero");
        }
        return convert(value);
    }
}
