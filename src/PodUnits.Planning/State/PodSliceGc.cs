using PodUnits.Runtime.Executor;
using PodUnits.Runtime.State;
using PodUnits.Systemd.Naming;
using PodUnits.Systemd.Units;

namespace PodUnits.Planning.State;

/// <summary>
/// For <c>podunits gc</c>: stops the slices (<c>machine-podunits-NAME.slice</c>) that outlived
/// their pods. The executor stops its pod's slice on the way out (PodSlice.RemoveAsync), but a
/// killed executor cannot, and systemd keeps an implicit slice active after its last scope
/// has gone, so every crashed pod, and every ad-hoc pod's random name, would leave one. A
/// slice is stopped only while gc holds the pod's name (no run of it starts meanwhile) and
/// when nothing runs in it.
/// </summary>
public static class PodSliceGc
{
    private const string Prefix = "machine-podunits-";

    /// <summary>Stops the leftover slices of <paramref name="collected"/> (pods whose stale
    /// state gc just removed) and of any pod whose slice is there while it does not run;
    /// returns the slices stopped.</summary>
    public static async Task<IReadOnlyList<string>> CollectAsync(SystemdManager systemd, IEnumerable<string> collected)
    {
        ArgumentNullException.ThrowIfNull(systemd);
        var stopped = new List<string>();
        foreach (string pod in collected.Concat(PodsWithSlices()).Distinct(StringComparer.Ordinal).ToList())
        {
            if (await CollectPodAsync(systemd, pod).ConfigureAwait(false) is { } slice)
            {
                stopped.Add(slice);
            }
        }
        return stopped;
    }

    /// <summary>Stops <paramref name="pod"/>'s slice if it outlived the pod; returns the slice
    /// stopped, or null.</summary>
    public static Task<string?> CollectPodAsync(SystemdManager systemd, string pod) =>
        StopLeftAsync(systemd, pod, ContainerUnits.SliceName(pod), status => !PodProcesses.InCgroup(status.ControlGroup));

    /// <summary>
    /// Stops the scope of an ad-hoc pod whose `podunits run` was killed: unlike pod@NAME.service,
    /// whose main process's death takes the rest of its cgroup with it, nothing ends what is
    /// left in a scope (a CNI plugin still adding the network), and a scope systemd made for
    /// a process already gone stays active with none and keeps the name taken. Done before the
    /// network is released, so no plugin adds rules for an address given back meanwhile. Not
    /// while an executor is in the scope: one that has released the name on its way out
    /// would lose its exit status to the stop (its pod init, which stops the pod by itself
    /// once the executor is gone, is no reason to wait). Returns the scope stopped, or null.
    /// </summary>
    public static Task<string?> CollectAdHocScopeAsync(SystemdManager systemd, string pod) =>
        StopLeftAsync(systemd, pod, AdHocScope.Name(pod), status => !PodProcesses.HasExecutor(status.ControlGroup));

    /// <summary><see cref="CollectAdHocScopeAsync"/> for every pod scope in machine.slice
    /// (ad-hoc pods, and pods run by hand from a shell); returns the scopes stopped. For gc,
    /// before it releases networks.</summary>
    public static async Task<IReadOnlyList<string>> CollectAdHocScopesAsync(SystemdManager systemd)
    {
        ArgumentNullException.ThrowIfNull(systemd);
        var stopped = new List<string>();
        foreach (string pod in PodsNamedBy("machine.slice", "podunits-", ".scope", AdHocScope.Name).Distinct(StringComparer.Ordinal).ToList())
        {
            if (await CollectAdHocScopeAsync(systemd, pod).ConfigureAwait(false) is { } scope)
            {
                stopped.Add(scope);
            }
        }
        return stopped;
    }

    /// <summary>Stops <paramref name="unit"/> of <paramref name="pod"/> when no run of the pod
    /// holds its claim and the unit is active; looked at again under the claim (a run that
    /// ended just now may still be stopping it). Returns the unit stopped, or null.</summary>
    private static async Task<string?> StopLeftAsync(SystemdManager systemd, string pod, string unit, Func<UnitStatus, bool> mayStop)
    {
        ArgumentNullException.ThrowIfNull(systemd);
        if (PodClaim.IsHeld(pod) || await systemd.GetUnitStatusAsync(unit).ConfigureAwait(false) is not { IsActive: true })
        {
            return null;
        }
        bool done = false;
        await PodClaim.WhileUnclaimedAsync(pod, async () =>
        {
            if (await systemd.GetUnitStatusAsync(unit).ConfigureAwait(false) is { IsActive: true } status && mayStop(status))
            {
                await systemd.StopUnitAsync(unit).ConfigureAwait(false);
                done = true;
            }
        }).ConfigureAwait(false);
        return done ? unit : null;
    }

    /// <summary>Pods named by the slices' cgroups under machine-podunits.slice.</summary>
    private static IEnumerable<string> PodsWithSlices() =>
        PodsNamedBy("machine.slice/machine-podunits.slice", Prefix, ".slice", ContainerUnits.SliceName);

    /// <summary>Pods whose units' cgroups are under <paramref name="parent"/>, in any hierarchy:
    /// names PREFIX + escaped pod + SUFFIX that <paramref name="unitOf"/> gives back exactly
    /// (a container's scope, podunits-POD-C.scope, does not: escaped names hold no dash).</summary>
    private static IEnumerable<string> PodsNamedBy(string parent, string prefix, string suffix, Func<string, string> unitOf)
    {
        foreach (string root in PodProcesses.CgroupRoots)
        {
            string dir = $"{root}/{parent}";
            if (!Directory.Exists(dir))
            {
                continue;
            }
            foreach (string path in Directory.EnumerateDirectories(dir, $"{prefix}*{suffix}"))
            {
                string unit = Path.GetFileName(path);
                // Only a name a pod can have: "podunits-a-b.scope" (made by hand) unescapes to
                // "a/b", whose claim's path cannot be opened, and that failure ended gc's pass
                // over every scope after it (systemd review of 2026-12-06, finding 2).
                if (UnitNameEscaping.TryUnescape(unit[prefix.Length..^suffix.Length], out string? pod) && Core.Naming.ResourceNames.IsValid(pod)
                    && unitOf(pod) == unit)
                {
                    yield return pod;
                }
            }
        }
    }
}
