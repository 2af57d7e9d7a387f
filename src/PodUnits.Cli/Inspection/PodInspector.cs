using System.Globalization;
using PodUnits.Core.Errors;
using PodUnits.Core.Linux;
using PodUnits.Definitions;
using PodUnits.Planning.State;
using PodUnits.Runtime.Executor;
using PodUnits.Runtime.Network;
using PodUnits.Runtime.Plan;
using PodUnits.Runtime.State;
using PodUnits.Systemd;
using PodUnits.Systemd.Machines;
using PodUnits.Systemd.Units;

namespace PodUnits.Cli.Inspection;

/// <summary>
/// Gathers a pod's state from where it really lives: its definition (the search path), its
/// unit and its containers' scopes (systemd over D-Bus), its machine (machined) and the
/// containers' processes (the scopes' cgroups). PodUnits keeps no database of its own.
/// </summary>
internal sealed class PodInspector(SystemdManager systemd)
{
    /// <summary>Every pod with a definition in the search path, plus running pods started
    /// from a file or interactively, and ended ad-hoc pods kept with --keep, by name.</summary>
    public async Task<List<PodReport>> ListAsync()
    {
        var pods = new SortedDictionary<string, string?>(StringComparer.Ordinal);
        foreach ((string name, string file) in PodDefinitionSearchPath.Default.All())
        {
            pods[name] = file;
        }
        if (Directory.Exists(PodPaths.RuntimeRoot))
        {
            foreach (string dir in Directory.EnumerateDirectories(PodPaths.RuntimeRoot))
            {
                pods.TryAdd(Path.GetFileName(dir), null);
            }
        }
        if (Directory.Exists(PodPaths.StateRoot))
        {
            foreach (string dir in Directory.EnumerateDirectories(PodPaths.StateRoot))
            {
                if (File.Exists(PodState.KeptAdHocDefinitionPath(Path.GetFileName(dir))))
                {
                    pods.TryAdd(Path.GetFileName(dir), null);
                }
            }
        }
        var reports = new List<PodReport>();
        foreach ((string name, string? file) in pods)
        {
            reports.Add(await InspectAsync(name, file).ConfigureAwait(false));
        }
        return reports;
    }

    /// <summary>Whether boot starts the pod, decided as `podunits refresh` decides it
    /// (<see cref="Generator.AutostartPolicy.StartsAtBoot"/>). Without a valid definition only
    /// an administrator's `systemctl enable` of pod@NAME.service does (its start then fails).</summary>
    private async Task<bool> StartsAtBootAsync(string name, PodDefinition? definition, string? definitionPath)
    {
        Generator.PodUnitSettings? settings = definition is null || definitionPath is null ? null
            : Generator.PodUnitSettingsMapper.Map(definition, definitionPath, hostMachineId: null);
        string state = await Refresh.PodRefresher.UnitFileStateAsync(systemd, settings?.BootUnit ?? Core.Naming.PodUnitNames.Service(name)).ConfigureAwait(false);
        string serviceState = settings is { SocketActivated: true }
            ? await Refresh.PodRefresher.UnitFileStateAsync(systemd, Core.Naming.PodUnitNames.Service(name)).ConfigureAwait(false) : "";
        return settings is null
            ? state is "enabled" or "enabled-runtime"
            : Generator.AutostartPolicy.StartsAtBoot(state, settings, PodDefinitionSearchPath.Default.IsPackaged(definitionPath!),
                _presets ??= Generator.UnitPresets.Load(Generator.UnitPresets.SystemDirectories), serviceState);
    }

    private Generator.UnitPresets? _presets; // read once for a whole `list`
    private IReadOnlySet<string>? _podsInNetworkCache; // the same: for what stopped pods left

    /// <summary>One pod; <paramref name="definitionPath"/> null = look it up.</summary>
    public async Task<PodReport> InspectAsync(string name, string? definitionPath = null)
    {
        definitionPath ??= PodDefinitionSearchPath.Default.Find(name);
        // A running ad-hoc pod (`podunits run -i`) has no unit and no installed definition:
        // the one it was made from is in its runtime state.
        bool adHoc = definitionPath is null && File.Exists(PodState.AdHocDefinitionPath(name));
        // An ended one kept with --keep: its definition is kept with its state until `podunits rm`.
        bool kept = definitionPath is null && !adHoc && File.Exists(PodState.KeptAdHocDefinitionPath(name));
        if (adHoc)
        {
            definitionPath = PodState.AdHocDefinitionPath(name);
        }
        else if (kept)
        {
            definitionPath = PodState.KeptAdHocDefinitionPath(name);
        }
        PodDefinition? definition = null;
        string? error = null;
        if (definitionPath is not null)
        {
            LoadResult loaded = PodDefinitionLoader.LoadFile(definitionPath,
                LoadOptions.Default with { DecryptSecret = null, NameMismatchIsWarning = adHoc || kept }); // status shows no values
            definition = loaded.Pod;
            error = loaded.Diagnostics.FirstOrDefault(d => d.Severity == Severity.Error)?.Redacted().ToString();
        }
        // An ad-hoc pod runs in a scope of its own (AdHocScope), the same for `--keep`'s kept
        // state once it has ended; so does a definition's pod run by hand (`podunits run
        // NAME` in a shell) while pod@NAME.service is not running it.
        string unit = adHoc || kept ? AdHocScope.Name(name) : Core.Naming.PodUnitNames.Service(name);
        UnitStatus? status = await systemd.GetUnitStatusAsync(unit).ConfigureAwait(false);
        bool ownScope = adHoc;
        if (!adHoc && status is not { IsActive: true } && await systemd.GetUnitStatusAsync(AdHocScope.Name(name)).ConfigureAwait(false) is { IsActive: true } byHand)
        {
            (unit, status, ownScope) = (AdHocScope.Name(name), byHand, true);
        }
        var containers = new List<ContainerReport>();
        // A scope outlives a killed executor (a plugin still running in it, or none at all):
        // the pod runs only while its executor is in it, as gc decides it too.
        bool orphanedScope = ownScope && status is { IsActive: true } && !PodProcesses.HasExecutor(status.ControlGroup);
        // Running is what holds the pod's claim (the executor, or stage 0 while it prepares),
        // not the unit's state: a pod stopping (deactivating) still runs and its files are
        // current; one waiting out its start back-off (activating) does not, and what the
        // killed run left is not live.
        bool running = (status is { IsActive: true } || status?.ActiveState == "deactivating") && !orphanedScope && PodClaim.IsHeld(name);
        // Only a running pod's machine is the pod's: machined keeps a killed run's until its
        // unit goes inactive, which a unit between restarts (Restart=) does not.
        MachineReport? machine = running ? await MachineAsync(name).ConfigureAwait(false) : null;
        // A pod that is not running shows how its last run's containers ended.
        Dictionary<string, System.Text.Json.Nodes.JsonObject> health = running
            ? Runtime.Health.ContainerStatus.Read(name) : Runtime.Health.ContainerStatus.ReadLast(name);
        uint? podInit = running ? PodInitPid(name) : null;
        PodPlan? plan = running ? PodPlan.ReadRunning(name) : null;
        foreach ((string container, bool init, bool sidecar, string image) in (plan is null ? null : RunningContainers(plan, definition))
            ?? DefinedContainers(definition))
        {
            string scope = ContainerUnits.ScopeName(name, container);
            UnitStatus? s = await systemd.GetUnitStatusAsync(scope).ConfigureAwait(false);
            containers.Add(new ContainerReport(container, init, image, scope, s?.ActiveState ?? "inactive",
                s?.MemoryCurrent, s?.MemoryMax, s?.CpuQuotaPerSecUSec, s is { IsActive: true } ? MainProcess(s.ControlGroup, podInit) : null)
            {
                Health = health.TryGetValue(container, out var h) ? (running ? Health(h) : Ended(Health(h))) : null,
                Sidecar = sidecar,
            });
        }
        // What systemd will do at boot (the generator's decision with presets, `systemctl
        // enable`, masks), not just the annotation.
        // An enabled pod whose definition is gone or invalid still starts at boot (and fails):
        // `systemctl enable` is a link of its own, which only the package's removal undoes.
        bool autostart = !adHoc && !kept && await StartsAtBootAsync(name, definition, definitionPath).ConfigureAwait(false);
        // A scope has no main process: an ad-hoc pod's executor is its main process.
        // A scope has no main PID: the executor is the process the pod's claim names.
        uint mainPid = running && status is { MainPid: 0 } && ownScope ? (uint)(PodState.Pids(name)?.Executor ?? 0) : status?.MainPid ?? 0;
        (string active, string sub) = (status?.ActiveState ?? "inactive", status?.SubState ?? "dead");
        return new PodReport(name, definitionPath, error, autostart, unit, active, sub, mainPid, machine, containers)
        {
            // What the running pod was started with, else its definition (the plan is root's).
            Network = running ? Network(name, plan?.HostNetwork ?? definition?.HostNetwork == true) : null,
            // systemd keeps a unit's last STATUS= after its process has gone: once the pod no
            // longer runs, only the executor's own last word ("failed: WHY") still holds, not
            // a "1 container running" of an executor that was killed.
            // So does a stop before READY, which says what the start waited for.
            StatusText = status is { ActiveState: "failed" or "inactive", StatusText: { } last } && !last.StartsWith("failed: ", StringComparison.Ordinal)
                && !last.StartsWith(Runtime.Executor.PodExecutor.StoppingBeforeReady, StringComparison.Ordinal) ? null : status?.StatusText,
            // A running pod's from its plan: what it was started with, not what its definition
            // (or podunits.yaml's userNamespaces) says since (user-namespace review, finding 7).
            Users = plan is not null ? (plan.Users is { } mapped ? new UsersReport(mapped.HostFirst, mapped.Size) : null)
                : definition?.UserNamespace == true ? Users(name) : null,
            Result = status?.Result is null or "success" ? null : status.Result,
            Failure = UnitFailure.Describe(unit, status?.Result, status?.ExecMainCode ?? 0, status?.ExecMainStatus ?? 0, status?.StatusText),
            StaleUnitSettings = definition is null || adHoc || kept ? null : Generator.GeneratedSettings.Staleness(definition, definitionPath!),
            Leftovers = running ? null : Leftovers(name, orphanedScope ? unit : null),
        };
    }

    /// <summary>What a killed executor left (PodStateGc.Leftovers), its scope first; null when nothing.</summary>
    private List<string>? Leftovers(string name, string? scope)
    {
        List<string> left = [.. Planning.State.PodStateGc.Leftovers(name, _podsInNetworkCache ??= Planning.State.PodStateGc.PodsInNetworkCache())];
        if (scope is not null)
        {
            left.Insert(0, $"its scope {scope}");
        }
        return left.Count > 0 ? left : null;
    }

    private static List<(string Name, bool Init, bool Sidecar, string Image)> DefinedContainers(PodDefinition? definition) =>
        [.. (definition?.InitContainers ?? []).Select(c => (c.Name, true, c.Sidecar, c.Image))
            .Concat((definition?.Containers ?? []).Select(c => (c.Name, false, c.Sidecar, c.Image)))];

    /// <summary>
    /// The containers a running pod was started with, from its plan: what runs is what enter
    /// and status must find, whatever the file says now (edited for the next start, broken, or
    /// removed by a package), the images too. A plan of an older version has no image: then
    /// the definition's, where it still names the container the same.
    /// </summary>
    private static List<(string Name, bool Init, bool Sidecar, string Image)> RunningContainers(PodPlan plan, PodDefinition? definition)
    {
        string ImageOf(ContainerPlan running) => running.Image is { Length: > 0 } image ? image
            : definition?.AllContainers.FirstOrDefault(c => c.Name == running.Name)?.Image ?? "(as started)";
        return [.. plan.Containers.Select(c => (c.Name, c.Init, c.Sidecar, ImageOf(c)))];
    }

    private static ContainerHealthReport Health(System.Text.Json.Nodes.JsonObject h) => new(
        (string?)h["state"] ?? "unknown", (bool?)h["ready"] ?? false, (bool?)h["started"] ?? false, (int?)h["restarts"] ?? 0,
        (string?)h["startedAt"], (string?)h["restartAt"], (int?)h["lastExitCode"], (string?)h["lastExitReason"], (string?)h["lastProbe"],
        (string?)h["notifyStatus"], (bool?)h["postStartDone"] ?? true, (string?)h["killedBy"], (string?)h["waitingOn"]);

    /// <summary>A container an ended pod last recorded as running: the pod ended without seeing
    /// it end (its executor or pod init was killed), so its last state is not known, and it
    /// is certainly not ready (tour F: "inactive" beside "running, ready").</summary>
    private static ContainerHealthReport Ended(ContainerHealthReport h) =>
        h.State == "running" ? h with { State = "unknown", Ready = false } : h;

    /// <summary>The range the pod holds (State/UserNamespaceRanges.cs), what it runs with and
    /// keeps while stopped; asked only for a pod whose definition gives it a user namespace (a
    /// pod that no longer does keeps its old range until gc).</summary>
    private static UsersReport? Users(string name)
    {
        try
        {
            return UserNamespaceRanges.Of(name) is { } range ? new UsersReport(range.HostFirst, range.Size) : null;
        }
        catch (Exception e) when (e is PodUnitsException or IOException or UnauthorizedAccessException)
        {
            // A range file an administrator mistyped: `gc` reports it and goes on; so does this.
            return new UsersReport(0, 0, e.Message);
        }
    }

    /// <summary>The running pod's network: the host's (no address of its own, the ports its
    /// containers claim there), or the CNI network the executor recorded.</summary>
    private static NetworkReport? Network(string name, bool hostNetwork)
    {
        if (hostNetwork)
        {
            return new NetworkReport(NetworkReport.Host, [], HostPortReservations.Claims(name)) { HostNetwork = true };
        }
        if (PodNetwork.ReadState(name) is not { } state)
        {
            return null;
        }
        static List<string> Strings(System.Text.Json.Nodes.JsonNode? array) =>
            [.. (array as System.Text.Json.Nodes.JsonArray ?? []).Select(n => n?.GetValue<string>()).OfType<string>()];
        return new NetworkReport(state["network"]?.GetValue<string>() ?? "?", Strings(state["ips"]), Strings(state["ports"]));
    }

    private async Task<MachineReport?> MachineAsync(string name)
    {
        try
        {
            MachineInfo? m = await systemd.Machines.GetMachineAsync(name).ConfigureAwait(false);
            return m is null || m.Service != "podunits" ? null : new MachineReport(m.Id.ToString(), m.State, m.Leader, m.Unit);
        }
        catch (SystemdCallException)
        {
            return null; // machined not available: the pod still runs, only machinectl is blind
        }
    }

    /// <summary>The container's own process: the one in its scope whose parent is the pod
    /// init (<paramref name="podInit"/>, machined's leader; when unknown, the first whose
    /// parent is outside the scope). Processes `podunits enter` started are in the scope too,
    /// but their parent is whoever entered. Its namespaces and root are the container's.</summary>
    /// <summary>The running pod init's host PID, from the pod's state (machined's leader is
    /// another process in a pod with its own user namespace).</summary>
    private static uint? PodInitPid(string pod) => PodState.Pids(pod)?.PodInit is int pid and > 0 ? (uint)pid : null;

    public static int? MainProcess(string? controlGroup, uint? podInit = null)
    {
        if (controlGroup is null)
        {
            return null;
        }
        string? procs = new[] { $"/sys/fs/cgroup{controlGroup}/cgroup.procs", $"/sys/fs/cgroup/systemd{controlGroup}/cgroup.procs" }
            .FirstOrDefault(File.Exists);
        if (procs is null)
        {
            return null;
        }
        HashSet<int> pids;
        try
        {
            pids = [.. File.ReadAllLines(procs).Select(l => int.TryParse(l, CultureInfo.InvariantCulture, out int pid) ? pid : 0).Where(pid => pid > 0)];
        }
        catch (IOException)
        {
            // The scope ended since systemd said it was active (a container restarting): one
            // container's moment must not fail the whole status or list (CLI review of 2026-12-05).
            return null;
        }
        foreach (int pid in pids.Order())
        {
            if (ProcessStat.ParentOf(pid) is int parent && (podInit is uint leader ? parent == leader : !pids.Contains(parent)))
            {
                return pid;
            }
        }
        return null;
    }
}
