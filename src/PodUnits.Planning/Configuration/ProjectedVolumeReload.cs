using PodUnits.Core.Errors;
using PodUnits.Core.Native;
using PodUnits.Definitions;
using PodUnits.Planning.Plan;
using PodUnits.Runtime.Init;
using PodUnits.Runtime.Plan;
using PodUnits.Runtime.State;

namespace PodUnits.Planning.Configuration;

/// <summary>
/// `podunits reload NAME` (and `systemctl reload pod@NAME`, whose ExecReload= runs it): the
/// kubelet's update of configMap, secret, downwardAPI and projected volumes in a running pod.
/// Stage 0 loads the definition again (so its objects are checked as at start: an invalid
/// change fails here and nothing changes), computes each volume's files and writes them into
/// the volume's tmpfs through the pod init's root (/proc/PID/root: its private /run), with the
/// same one-rename switch of ..data the start used. Containers see the new files at once;
/// environment variables keep their values until the pod restarts, as in Kubernetes. Volumes
/// added, removed or changed in kind need a restart and are reported.
/// </summary>
public static class ProjectedVolumeReload
{
    /// <summary>Updates the running pod <paramref name="pod"/>'s volumes; returns the names of
    /// those written. <paramref name="report"/> gets what could not be applied.</summary>
    public static IReadOnlyList<string> Apply(PodDefinition pod, Action<string> report)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(report);
        string what = $"pod {pod.Name}";
        if (!PodClaim.IsHeld(pod.Name) || PodState.Pids(pod.Name) is not (_, int podInit) || podInit <= 0)
        {
            throw new PodUnitsException(what, "is not running (or still starting); nothing to reload");
        }
        string root = $"/proc/{podInit}/root";
        string planPath = $"{PodPaths.RuntimeDir(pod.Name)}/plan.json";
        // The pod init's own copy of the plan proves the PID is still this pod's pod init.
        if (!File.Exists($"{root}{PodPaths.InsidePodPlan}") || !File.Exists(planPath))
        {
            throw new PodUnitsException(what, "is not running; nothing to reload");
        }
        // One reload at a time (podunits reload and systemctl reload may race): each removes
        // every content but its own once it switched.
        using FileLock _ = FileLock.Exclusive($"{PodPaths.RuntimeDir(pod.Name)}/reload.lock");
        PodPlan running = PodPlan.Read(planPath);
        pod = RunningLimits.Apply(pod, running, container => ContainerLimitUpdates.Of(pod.Name, container), report);
        var facts = new Lazy<NodeFacts>(() => HostFacts.Gather(running.MachineId));
        // Every volume's files first: what cannot be computed fails before any volume switched.
        var contents = new List<(ProjectedVolumePlan Volume, IReadOnlyList<ProjectedFilePlan> Files)>();
        foreach (ProjectedVolumePlan volume in running.ProjectedVolumes)
        {
            if (pod.Volumes.FirstOrDefault(v => v.Name == volume.Name)?.Projected is not { } now)
            {
                report($"volume {volume.Name}: no longer a configMap, secret, downwardAPI or projected volume; restart the pod to apply that");
                continue;
            }
            contents.Add((volume, ProjectedFiles.Of(volume.Name, now, pod, facts.Value)));
        }
        var written = new List<string>();
        foreach ((ProjectedVolumePlan volume, IReadOnlyList<ProjectedFilePlan> files) in contents)
        {
            string dataLink = Path.Combine(root + volume.Path, ProjectedVolumeWriter.DataLink);
            string? current = new FileInfo(dataLink).LinkTarget;
            try
            {
                ProjectedVolumeWriter.Write(root + volume.Path, files, DateTime.UtcNow, volume.FsGroup);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or PodUnitsException)
            {
                // The switch is one rename of ..data: a failure before it leaves the volume's
                // content as it was, one after it (its new entries' links, the old content's
                // removal) does not; the volumes before it have switched either way (review of
                // 2026-12-06, finding 8: it said the pod kept its previous content).
                bool switched = new FileInfo(dataLink).LinkTarget != current;
                string state = switched ? "it has the new content, perhaps with some of its entries not linked yet" : "it keeps its previous content";
                string before = written.Count == 0 ? "" : $"; {string.Join(", ", written)} already {(written.Count == 1 ? "has" : "have")} the new content";
                string full = e is IOException { HResult: 28 } ? "; its tmpfs is sized at the pod's start, twice what it held then: restart the pod to give it room" : "";
                throw new PodUnitsException(what, $"volume {volume.Name}: {e.Message} ({state}{before}){full}");
            }
            written.Add(volume.Name);
        }
        foreach (VolumeDefinition added in pod.Volumes.Where(v => v.Projected is not null && running.ProjectedVolumes.All(r => r.Name != v.Name)))
        {
            report($"volume {added.Name}: new in the definition; restart the pod to mount it");
        }
        return written;
    }
}
