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
    public static Task<string?> CollectPodAsync(SystemdManager systemd, string pod) =>
        StopLeftAsync(systemd, pod, ContainerUnits.SliceName(pod), status => !HasProcesses(status.ControlGroup));

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
        StopLeftAsync(systemd, pod, AdHocScope.Name(pod), status => !HasExecutor(status.ControlGroup));

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
        foreach (string root in Roots)
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

    /// <summary>Whether a process is in the unit's cgroup or any below it, in the first
    /// hierarchy that has it (no cgroup: nothing runs there).</summary>
    private static bool HasProcesses(string? controlGroup) => AnyProcess(controlGroup, _ => true);

    /// <summary>Whether a process of <paramref name="pod"/> still runs without its claim: its
    /// containers' slice or its ad-hoc scope (the pod init) has one. After a SIGKILL of the
    /// executor the pod init goes on stopping the containers for up to their grace period,
    /// and their user namespace range, network and state are still theirs: gc must not give
    /// them to the next pod meanwhile, as it did when it could not reach systemd to stop the
    /// scope first (user-namespace review of 2026-12-06, finding 3).</summary>
    public static bool HasProcessesLeft(string pod) =>
        HasProcesses(ContainerUnits.SliceCgroupPath(pod)) || HasProcesses($"/machine.slice/{AdHocScope.Name(pod)}");

    /// <summary>Whether a pod's executor (`podunits-stage1 run ...`) is in the unit's cgroup:
    /// a pod's own scope without one outlived its killed executor (status and gc).</summary>
    public static bool HasExecutor(string? controlGroup) => AnyProcess(controlGroup, pid =>
    {
        try
        {
            string[] argv = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
            return argv.Length > 1 && Path.GetFileName(argv[0]) == Stage1.FileName && argv[1] == "run";
        }
        catch (IOException)
        {
            return false; // gone meanwhile
        }
    });

    private static bool AnyProcess(string? controlGroup, Func<string, bool> matches)
    {
        if (controlGroup is null || Roots.Select(root => root + controlGroup).FirstOrDefault(Directory.Exists) is not { } dir)
        {
            return false;
        }
        try
        {
            return Directory.EnumerateFiles(dir, "cgroup.procs", SearchOption.AllDirectories)
                .Any(procs => File.ReadAllText(procs).Split('\n', StringSplitOptions.RemoveEmptyEntries).Any(matches));
        }
        catch (IOException)
        {
            return true; // changing under us: something is there
        }
    }
}
