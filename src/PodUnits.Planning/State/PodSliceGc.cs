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

    /// <summary>The hierarchies where a slice's cgroup may be: cgroup v2, or v1's systemd ones.</summary>
    private static readonly string[] Roots = ["/sys/fs/cgroup", "/sys/fs/cgroup/unified", "/sys/fs/cgroup/systemd"];

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
    public static async Task<string?> CollectPodAsync(SystemdManager systemd, string pod)
    {
        ArgumentNullException.ThrowIfNull(systemd);
        string slice = ContainerUnits.SliceName(pod);
        if (PodClaim.IsHeld(pod) || await systemd.GetUnitStatusAsync(slice).ConfigureAwait(false) is not { IsActive: true })
        {
            return null;
        }
        bool done = false;
        await PodClaim.WhileUnclaimedAsync(pod, async () =>
        {
            // Looked at again under the claim: a run that ended just now may still be stopping it.
            if (await systemd.GetUnitStatusAsync(slice).ConfigureAwait(false) is { IsActive: true } status && !HasProcesses(status.ControlGroup))
            {
                await systemd.StopUnitAsync(slice).ConfigureAwait(false);
                done = true;
            }
        }).ConfigureAwait(false);
        return done ? slice : null;
    }

    /// <summary>Pods named by the slices' cgroups under machine-podunits.slice.</summary>
    private static IEnumerable<string> PodsWithSlices()
    {
        foreach (string root in Roots)
        {
            string parent = $"{root}/machine.slice/machine-podunits.slice";
            if (!Directory.Exists(parent))
            {
                continue;
            }
            foreach (string dir in Directory.EnumerateDirectories(parent, $"{Prefix}*.slice"))
            {
                string name = Path.GetFileName(dir);
                if (UnitNameEscaping.TryUnescape(name[Prefix.Length..^".slice".Length], out string? pod) && pod.Length > 0 && ContainerUnits.SliceName(pod) == name)
                {
                    yield return pod;
                }
            }
        }
    }

    /// <summary>Whether a process is in the slice's cgroup or any below it, in the first
    /// hierarchy that has it (no cgroup: nothing runs there).</summary>
    private static bool HasProcesses(string? controlGroup)
    {
        if (controlGroup is null || Roots.Select(root => root + controlGroup).FirstOrDefault(Directory.Exists) is not { } dir)
        {
            return false;
        }
        try
        {
            return Directory.EnumerateFiles(dir, "cgroup.procs", SearchOption.AllDirectories)
                .Any(procs => File.ReadAllText(procs).Trim().Length > 0);
        }
        catch (IOException)
        {
            return true; // changing under us: something is there
        }
    }
}
