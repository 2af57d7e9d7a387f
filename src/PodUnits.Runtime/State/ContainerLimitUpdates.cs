using System.Text.Json;
using System.Text.Json.Nodes;

namespace PodUnits.Runtime.State;

/// <summary>
/// The limits `podunits update` gave a running pod's containers, kept in the pod's runtime
/// state (/run/podunits/state/NAME/limits.json, root's only) until the pod ends. systemd
/// forgets a transient scope's runtime properties with the scope, so a container that
/// restarts would otherwise get its definition's limits back in its new scope; the executor
/// applies these on top of them each time it places a container (<see cref="Apply"/>).
/// </summary>
public static class ContainerLimitUpdates
{
    private const string MemoryMax = "memoryMax";
    private const string CpuQuota = "cpuQuotaPerSecUSec";

    public static string PathOf(string pod) => $"{PodPaths.RuntimeDir(pod)}/limits.json";

    /// <summary>Records new limits for <paramref name="container"/> (null: that limit is
    /// unchanged) in the run whose executor is <paramref name="executorPid"/>; false when that
    /// run has ended (a new run's state is its own: "until the pod ends").</summary>
    public static bool Save(string pod, string container, ulong? memoryMax, ulong? cpuQuotaPerSecUSec, int executorPid)
    {
        if (!Directory.Exists(PodPaths.RuntimeDir(pod)))
        {
            return false; // the pod has just ended: nothing will restart
        }
        // Read, changed and written under a lock: two `podunits update`s at once each keep the other's change.
        using Core.Native.FileLock _ = Core.Native.FileLock.Exclusive($"{PodPaths.RuntimeDir(pod)}/limits.lock");
        if (PodState.Pids(pod)?.Executor != executorPid)
        {
            return false; // started again since: the runtime directory is the new run's
        }
        JsonObject all = ReadAll(pod);
        if (all[container] is not JsonObject mine)
        {
            mine = [];
            all[container] = mine;
        }
        if (memoryMax is { } m)
        {
            mine[MemoryMax] = m;
        }
        if (cpuQuotaPerSecUSec is { } q)
        {
            mine[CpuQuota] = q;
        }
        // Whole or not at all: the executor may read it at any moment (a container restarting).
        PodPaths.WritePrivateFile(PathOf(pod), all.ToJsonString());
        return true;
    }

    /// <summary>The container's updated limits over <paramref name="properties"/> (its definition's).</summary>
    public static void Apply(string pod, string container, Systemd.Units.TransientUnitProperties properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        if (ReadAll(pod)[container] is not JsonObject mine)
        {
            return;
        }
        if (mine[MemoryMax] is JsonValue m && m.TryGetValue(out ulong memory))
        {
            properties.MemoryMax = memory;
        }
        if (mine[CpuQuota] is JsonValue q && q.TryGetValue(out ulong quota))
        {
            properties.CpuQuotaPerSecUSec = quota;
        }
    }

    /// <summary>The limits `podunits update` gave <paramref name="container"/> in this run of
    /// the pod (null: that one was not changed).</summary>
    public static (ulong? MemoryMax, ulong? CpuQuotaPerSecUSec) Of(string pod, string container)
    {
        if (ReadAll(pod)[container] is not JsonObject mine)
        {
            return (null, null);
        }
        ulong? memory = mine[MemoryMax] is JsonValue m && m.TryGetValue(out ulong bytes) ? bytes : null;
        ulong? quota = mine[CpuQuota] is JsonValue q && q.TryGetValue(out ulong usec) ? usec : null;
        return (memory, quota);
    }

    private static JsonObject ReadAll(string pod)
    {
        string path = PathOf(pod);
        if (!File.Exists(path))
        {
            return []; // the usual case, asked at every container's start: no exception for it
        }
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? [];
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or JsonException)
        {
            return []; // none yet; a damaged file is written anew by the next update
        }
    }
}
