using System.Globalization;
using PodUnits.Core.Errors;
using PodUnits.Core.Identity;
using PodUnits.Runtime.Logging;
using PodUnits.Runtime.Plan;
using PodUnits.Systemd.Machines;

namespace PodUnits.Runtime.State;

/// <summary>
/// A pod's files: /run/podunits/state/NAME (plan.json; pids: the executor's and the pod
/// init's host PIDs, present while the pod runs) and /var/lib/podunits/pods/NAME (the containers'
/// writable layers, emptyDir volumes; machine-id only on a host that has none of its own).
/// </summary>
public static class PodState
{
    /// <summary>The pod's 128-bit ID (machined's, the pod's /etc/machine-id, POD_ID), the same on every start.</summary>
    public static string MachineIdOf(string pod)
    {
        // Derived from the host's ID and the name, so the generator can name it in the
        // unit's LogExtraFields= (POD_ID) before the pod ever ran. Only a host without a
        // machine ID falls back to a random one kept with the pod.
        if (PodIdentity.ReadHostMachineId() is { } host)
        {
            return PodIdentity.PodId(host, pod);
        }
        string dir = PodPaths.StateDir(pod);
        string file = $"{dir}/machine-id";
        if (File.Exists(file) && MachineId.TryParse(File.ReadAllText(file).Trim(), out MachineId id))
        {
            return id.ToString();
        }
        Directory.CreateDirectory(dir);
        string fresh = MachineId.NewRandom().ToString();
        Core.Files.AtomicFile.Write(file, System.Text.Encoding.ASCII.GetBytes(fresh + "\n")); // a torn file would give the pod a new ID
        return fresh;
    }

    /// <summary>Takes the pod's name (<see cref="PodClaim"/>; fails when the pod runs
    /// already) and removes what a crash left of an earlier run's runtime state.</summary>
    public static PodClaim Claim(string pod)
    {
        PodClaim claim = PodClaim.Acquire(pod);
        string dir = PodPaths.RuntimeDir(pod);
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
        PodPaths.CreatePrivateDirectory(dir);
        WritePids(pod, Environment.ProcessId, 0);
        return claim;
    }

    /// <summary>Once a start is accepted, the run before is no longer the last run: a start
    /// that fails before any container runs (an image that cannot be pulled) must not show its
    /// containers' exits as its own. Not in <see cref="Claim"/>: a start refused after it (a
    /// kept ad-hoc state, an ad-hoc name that is a defined pod's) took the last run's statuses
    /// from `status` and `refresh` (lifecycle review of 2026-12-07, finding 4).</summary>
    public static void ForgetLastRun(string pod)
    {
        string last = Path.Join(PodPaths.StateDir(pod), Health.ContainerStatus.LastFileName);
        if (File.Exists(last))
        {
            File.Delete(last);
        }
    }

    /// <summary>An empty writable layer for <paramref name="c"/>: at every pod start, and when
    /// the container restarts within a running pod (a new container, as in Kubernetes). The
    /// old one is removed by descriptor (<see cref="DescriptorTree"/>): while the pod init
    /// removes it as host root, a sibling container may still write in it through
    /// /proc/PID/root and swap a directory for a link to the host's /etc (volumes review of
    /// 2026-12-07, finding 1), and any name it holds, UTF-8 or not, goes (finding 2).</summary>
    /// <exception cref="DescriptorTreeException">Part of the old layer could not be removed.</exception>
    public static void FreshLayer(ContainerPlan c)
    {
        ArgumentNullException.ThrowIfNull(c);
        foreach (string dir in (string[])[$"{c.LayerDir}/upper", $"{c.LayerDir}/work"])
        {
            DescriptorTree.Remove(dir);
            Directory.CreateDirectory(dir);
        }
    }

    /// <summary>Fresh writable layers and volume dirs; returns the plan file's path.</summary>
    public static string Prepare(PodPlan plan, string planJson)
    {
        ArgumentNullException.ThrowIfNull(plan);
        try
        {
            ClearLastRun(plan);
        }
        catch (DescriptorTreeException e)
        {
            // Said with the pod, not "internal error": the start fails until the entry named
            // can be removed (volumes review of 2026-12-07, finding 2).
            throw new PodUnitsException($"pod {plan.Name}", $"cannot clear what its last run left: {e.Message}", ExitCodes.RuntimeFailure, e);
        }
        foreach (EmptyDirPlan v in plan.EmptyDirs.Where(v => !v.Memory))
        {
            // 0777 as the kubelet makes an emptyDir: any container user may write to it.
            Directory.CreateDirectory(v.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
                | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);
            File.SetUnixFileMode(v.Path, (UnixFileMode)0x1ff); // the umask took some away
            Init.FsGroupOwnership.NewPodVolume(v.Path, v.FsGroup, plan.Users);
        }
        foreach (string claim in plan.ClaimDirs)
        {
            Directory.CreateDirectory(claim); // kept: a claim outlives its pods (podunits volume rm)
        }
        foreach (string claim in plan.FsGroupClaimDirs)
        {
            ClaimOwnership.Apply(claim, plan.FsGroup!.Value, plan.FsGroupOnRootMismatch);
        }
        if (plan.JournalDir is not null)
        {
            Directory.CreateDirectory(plan.JournalDir);
        }
        string dir = PodPaths.RuntimeDir(plan.Name);
        PodPaths.CreatePrivateDirectory(dir);
        File.Delete(ContainerLimitUpdates.PathOf(plan.Name)); // a killed run's: a new start has the definition's limits
        string path = $"{dir}/plan.json";
        // Root only: the plan holds every container's environment, passwords included.
        PodPaths.WritePrivateFile(path, planJson);
        return path;
    }

    /// <summary>Kubernetes: a new pod start has fresh layers and emptyDirs. Both are trees the
    /// containers wrote in, so removed by descriptor, names as bytes (<see cref="DescriptorTree"/>).</summary>
    internal static void ClearLastRun(PodPlan plan)
    {
        DescriptorTree.Remove($"{plan.StateDir}/containers");
        foreach (ContainerPlan c in plan.Containers)
        {
            FreshLayer(c);
        }
        foreach (EmptyDirPlan v in plan.EmptyDirs.Where(v => !v.Memory))
        {
            DescriptorTree.Remove(v.Path);
        }
    }

    /// <summary>Where stage 0 notes, as soon as it has the pod's name, which definition it
    /// starts from (its SHA-256, then its path, a line each): `podunits refresh` during a start,
    /// before the plan exists (a pull can take minutes), must know whether the pod starts the
    /// definition a package has just replaced (review of 2026-12-06, finding 6).</summary>
    public static string StartingDefinitionPath(string pod) => $"{PodPaths.RuntimeDir(pod)}/definition";

    public static void WriteStartingDefinition(string pod, string file, string sha256) =>
        PodPaths.WritePrivateFile(StartingDefinitionPath(pod), $"{sha256}\n{file}\n");

    /// <summary>The definition a starting pod starts from, and when it began; null when none was noted.</summary>
    public static (string File, string Sha256, DateTime SinceUtc)? StartingDefinition(string pod)
    {
        string path = StartingDefinitionPath(pod);
        try
        {
            string[] lines = File.ReadAllText(path).Split('\n');
            return lines.Length >= 2 && lines[0].Length == 64 ? (lines[1], lines[0], File.GetLastWriteTimeUtc(path)) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Where stage 0 saves the generator's files for the definition a pod@NAME.service
    /// starts from (Generator's RunningPodSettings): the generator writes them again, while the
    /// pod runs, should that definition stop loading (upgrade review of 2026-12-07, finding 1).
    /// In the runtime directory, so they go with the run: removed when it ends, and by the
    /// next claim or gc after a killed one.</summary>
    public static string SavedUnitSettingsDir(string pod) => $"{PodPaths.RuntimeDir(pod)}/unit";

    /// <summary>The definition an ad-hoc pod was made from (`podunits run -i`), root's only
    /// (it holds the command line's environment), while the pod runs; `podunits export` prints it.
    /// With `--keep`, <paramref name="kept"/> (the same without environment values) goes into
    /// its state directory, which stays.</summary>
    public static void WriteAdHocDefinition(string pod, string yaml, string? kept)
    {
        PodPaths.WritePrivateFile(AdHocDefinitionPath(pod), yaml);
        if (kept is not null)
        {
            PodPaths.WritePrivateFile(KeptAdHocDefinitionPath(pod), kept);
        }
    }

    /// <summary>While the ad-hoc pod runs.</summary>
    public static string AdHocDefinitionPath(string pod) => $"{PodPaths.RuntimeDir(pod)}/adhoc.yaml";

    /// <summary>After a `--keep` ad-hoc pod ended, until its state directory is removed.</summary>
    public static string KeptAdHocDefinitionPath(string pod) => Path.Join(PodPaths.StateDir(pod), KeptAdHocDefinitionFile);

    private const string KeptAdHocDefinitionFile = "adhoc.yaml", AdHocMarkerFile = "ad-hoc";

    /// <summary>Marks the state directory as an ad-hoc pod's (`podunits run -i`): another
    /// ad-hoc run of the name may reuse it; a directory without it is a defined pod's.</summary>
    public static string AdHocMarkerPath(string pod) => Path.Join(PodPaths.StateDir(pod), AdHocMarkerFile);

    public static void WritePids(string pod, int executorPid, int podInitPid) =>
        PodPaths.WritePrivateFile($"{PodPaths.RuntimeDir(pod)}/pids",
            string.Create(CultureInfo.InvariantCulture, $"{executorPid} {podInitPid}\n"));

    /// <summary>The host PIDs of a running pod's executor and pod init, or null.</summary>
    public static (int Executor, int PodInit)? Pids(string pod)
    {
        try
        {
            string[] words = File.ReadAllText($"{PodPaths.RuntimeDir(pod)}/pids").Split(' ', StringSplitOptions.TrimEntries);
            return (int.Parse(words[0], CultureInfo.InvariantCulture), int.Parse(words[1], CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    public static void Release(string pod)
    {
        string dir = PodPaths.RuntimeDir(pod);
        try
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
        catch (IOException e)
        {
            StageLog.Warning($"removing {dir}: {e.Message}, ignoring");
        }
    }

    /// <summary>`podunits rm NAME`: removes what `run -i --keep` kept of an ended ad-hoc pod
    /// (its writable layers, volumes and definition), under the pod's claim so that no run of
    /// the name starts meanwhile. Refused while it runs, and for a name with nothing kept.
    /// False when a defined pod has run in the kept state since (a start before such starts
    /// were refused): then only the kept definition is removed.</summary>
    public static bool RemoveKept(string pod)
    {
        if (PodClaim.IsHeld(pod))
        {
            string pid = Pids(pod) is (int executor, _) ? $" (executor PID {executor})" : "";
            throw new PodUnitsException($"pod {pod}", $"is running{pid}: stop it first ('podunits stop {pod}')");
        }
        if (!File.Exists(KeptAdHocDefinitionPath(pod)))
        {
            throw new BadInputException($"pod {pod}", "has no state kept by 'podunits run -i --keep' (pods of definitions keep their named volumes: 'podunits volume rm')");
        }
        // Held until this process ends ("is already running" should a start come between),
        // the lock file unlinked while held, as gc does (a later claim then makes a fresh one).
        _ = PodClaim.Acquire(pod);
        if (TakenOverByDefinedPod(PodPaths.StateDir(pod)))
        {
            // Only the kept definition is the ad-hoc pod's now: the rest, and the ID range that
            // owns its volumes' files, are the defined pod's (lifecycle review of 2026-12-07,
            // finding 3). The runtime directory may be what a killed run of it left, for gc.
            File.Delete(KeptAdHocDefinitionPath(pod));
            if (!Directory.Exists(PodPaths.RuntimeDir(pod)))
            {
                File.Delete(PodClaim.LockPath(pod));
            }
            return false;
        }
        try
        {
            DeleteMarkersLast(PodPaths.StateDir(pod), [KeptAdHocDefinitionPath(pod), AdHocMarkerPath(pod)]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DescriptorTreeException)
        {
            // .NET's message for EPERM is a resource key here (UseSystemResourceKeys); EPERM on
            // root's unlink is an immutable or append-only file a container left (the
            // DescriptorTreeException says so itself).
            string why = e is UnauthorizedAccessException
                ? $"permission denied in {PodPaths.StateDir(pod)} (a file made immutable in the container? 'lsattr -R' shows it)"
                : e.Message;
            throw new PodUnitsException($"pod {pod}", $"could not remove all of its kept state: {why}; once that is mended, 'podunits rm {pod}' again", ExitCodes.RuntimeFailure, e);
        }
        UserNamespaceRangeFiles.Forget(pod);
        Release(pod);
        File.Delete(PodClaim.LockPath(pod));
        return true;
    }

    /// <summary>Whether the kept state in <paramref name="stateDir"/> has become a defined
    /// pod's: its start removes the ad-hoc marker (Stage0's ClaimStateDirectory), and one
    /// started there before a kept state refused such starts. A removal cut short cannot leave
    /// this: it takes the kept definition before the marker.</summary>
    public static bool TakenOverByDefinedPod(string stateDir) =>
        File.Exists(Path.Join(stateDir, KeptAdHocDefinitionFile)) && !File.Exists(Path.Join(stateDir, AdHocMarkerFile));

    /// <summary>
    /// Deletes <paramref name="dir"/> with <paramref name="markers"/> last: they say what the
    /// directory is, and a removal cut short (Ctrl-C, a file that would not go) that took them
    /// first left a directory that `rm`, `run -i --name` and gc all refused as no ad-hoc pod's
    /// (CLI review of 2026-12-06, finding 7). Whatever is left, `rm` takes again. By
    /// descriptor, names as bytes: the layers and volumes in it are the containers'
    /// (volumes review of 2026-12-07, findings 1 and 2).
    /// </summary>
    private static void DeleteMarkersLast(string dir, string[] markers) =>
        DescriptorTree.Remove(dir, [.. markers.Select(Path.GetFileName).OfType<string>()], entering: null);

    /// <summary>An interactive pod's state goes with it (its name is never reused), its lock
    /// file too: this process holds the lock, which makes removing it safe (PodClaim). The
    /// lock file goes last: once it is unlinked, a new run of the same name claims a fresh
    /// one, and it then kept the old range file as its own and this deleted it under it (its
    /// state directory too), so the next pod in a user namespace could get the same host IDs
    /// (user-namespace review of 2026-12-06, finding 1). Until then, a new run of the name is
    /// told it is running. The ad-hoc marker goes last, as in <see cref="RemoveKept"/>: a
    /// removal cut short (the executor killed at its scope's stop timeout in a large layer, a
    /// file that would not go) that took it first left the layers, volumes and ID range for
    /// good, since nothing took the directory for an ad-hoc pod's any more (recovery review of
    /// 2026-12-07, finding 2). Such a removal is said and left to gc, with the range and the
    /// lock file: false.</summary>
    public static bool DeleteAdHoc(string name)
    {
        string stateDir = PodPaths.StateDir(name);
        try
        {
            if (Directory.Exists(stateDir))
            {
                DeleteMarkersLast(stateDir, [AdHocMarkerPath(name)]);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DescriptorTreeException)
        {
            // The walker's own words name the entry below the directory already said.
            string why = e is UnauthorizedAccessException ? "permission denied (a file made immutable in the container? 'lsattr -R' shows it)"
                : e is DescriptorTreeException walk ? walk.Why : e.Message;
            StageLog.Warning($"pod {name}: removing its state in {stateDir}: {why}; 'podunits gc' tries again");
            return false;
        }
        UserNamespaceRangeFiles.Forget(name); // its files, which carry the range's IDs, are gone
        File.Delete(PodClaim.LockPath(name));
        return true;
    }
}
