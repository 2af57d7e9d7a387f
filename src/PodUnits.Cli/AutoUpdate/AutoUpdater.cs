using PodUnits.Core.Errors;
using PodUnits.Definitions;
using PodUnits.Core.Naming;
using PodUnits.Images.Store;
using PodUnits.Journal;
using PodUnits.Logging;
using PodUnits.Planning.Plan;
using PodUnits.Systemd;
using PodUnits.Systemd.Units;

namespace PodUnits.Cli.AutoUpdate;

/// <summary>
/// `podunits auto-update`, as podman's for Quadlet units, for pods annotated
/// <c>podunits.io/auto-update: registry</c> whose unit is active:
/// <list type="number">
/// <item>asks each tag's registry which manifest it names now (a HEAD request; the image
/// the pod runs is the digest its executor recorded in pods/NAME/images);</item>
/// <item>pulls the new images (the trust policy applies), leaving their tags where they are;</item>
/// <item>restarts pod@NAME.service on them (an <see cref="AutoUpdateTrial"/> its stage 0
/// takes) and waits for the job: a Type=notify unit's restart ends when the pod is READY
/// (its containers run and their readiness probes pass) or fails at TimeoutStartSec=;</item>
/// <item>moves the tags once every pod was ready on the new images and runs them; when one
/// failed, restarts the pods restarted so far on the digests they ran before.</item>
/// </list>
/// A pod's images are updated together, with one restart, and so are the pods that share an
/// image that changed, however they write its name: a tag is host-wide, and moved for one pod while another failed on its
/// image, it became that other pod's image at its next start (trust review of 2026-12-07,
/// finding 1). Digest references never move.
/// A pod whose start has no deadline of its own (TimeoutStartSec=infinity: the generator
/// gives it to a pod with init containers) is given <paramref name="readyTimeout"/>: its
/// restart job would otherwise never end, and neither would the rollback or this command.
/// Cut short by a signal (<paramref name="cancellationToken"/>), killed, or the host losing
/// power, no tag has moved to an image not proven ready; pods still on the new images are
/// restarted again (queued, not waited for) when it can, and otherwise run them only until
/// their next start.
/// </summary>
/// <remarks>Updates, rollbacks and failures always go to the journal (<paramref name="journal"/>),
/// whoever runs the command: a pod restarted on another image is a host event, not only the
/// caller's business; the caller gets the results on stdout.</remarks>
internal sealed class AutoUpdater(SystemdManager systemd, ImageStore store, bool dryRun, TimeSpan readyTimeout, Serilog.ILogger journal)
{
    /// <summary>How many registries are asked at once: checks are independent and mostly
    /// waiting; restarts stay one after the other.</summary>
    private const int ParallelChecks = 8;

    /// <summary>One running pod: its rows so far and the images whose tag names another
    /// digest in the registry than the one the pod runs.</summary>
    private sealed record PodCheck(PodDefinition Pod, string Unit, List<AutoUpdateResult> Rows, List<(string Image, string Old, string New)> Changes);

    public async Task<List<AutoUpdateResult>> RunAsync(CancellationToken cancellationToken)
    {
        var candidates = new List<(PodDefinition Pod, string Unit)>();
        foreach ((string name, string file) in PodDefinitionSearchPath.Default.All())
        {
            LoadResult loaded = PodDefinitionLoader.LoadFile(file);
            if (loaded.Pod is not { AutoUpdate: true } pod) continue; // an invalid definition cannot run either
            string unit = $"pod@{name}.service";
            if (await systemd.GetUnitStatusAsync(unit) is not { IsActive: true }) continue; // as podman: running pods only
            candidates.Add((pod, unit));
        }
        // What each running pod runs: the digests its executor recorded (read once for all).
        ILookup<string, PodImagePin> pins = PodImages.ReadAll(store.Root).Where(p => p.ManifestDigest is not null).ToLookup(p => p.Pod, StringComparer.Ordinal);
        using var gate = new SemaphoreSlim(ParallelChecks);
        PodCheck[] checks = await Task.WhenAll(candidates.Select(async c =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                return await CheckPodAsync(c.Pod, c.Unit, pins[c.Pod.Name], cancellationToken);
            }
            finally
            {
                gate.Release();
            }
        }));
        foreach (List<PodCheck> group in SharingGroups(checks))
        {
            await ApplyAsync(group, cancellationToken);
        }
        return [.. checks.SelectMany(c => c.Rows)];
    }

    /// <summary>The pods in groups that share a changed image (by reference), each group in
    /// the pods' order; a pod with nothing to change is a group of its own.</summary>
    private static List<List<PodCheck>> SharingGroups(PodCheck[] checks)
    {
        var groups = new List<List<PodCheck>>();
        foreach (PodCheck check in checks)
        {
            var images = check.Changes.Select(c => Canonical(c.Image)).ToHashSet(StringComparer.Ordinal);
            List<List<PodCheck>> sharing = [.. groups.Where(g => g.Any(other => other.Changes.Any(c => images.Contains(Canonical(c.Image)))))];
            List<PodCheck> merged = [.. sharing.SelectMany(g => g), check];
            groups.RemoveAll(sharing.Contains);
            groups.Add(merged);
        }
        return groups;
    }

    /// <summary>The store's name of an image (nginx is docker.io/library/nginx:latest): pods
    /// that write one tag differently share it all the same.</summary>
    private static string Canonical(string image) => ImageReference.Parse(image).ToString();

    /// <summary>Asks the registries; changes nothing.</summary>
    private async Task<PodCheck> CheckPodAsync(PodDefinition pod, string unit, IEnumerable<PodImagePin> podPins, CancellationToken cancellationToken)
    {
        var rows = new List<AutoUpdateResult>();
        var pins = podPins.GroupBy(p => p.Reference, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().ManifestDigest!, StringComparer.Ordinal);
        var changes = new List<(string Image, string Old, string New)>();
        foreach (string image in ContainerImages.StoreReferences(pod))
        {
            string? running = pins.GetValueOrDefault(image);
            if (ImageReference.Parse(image).Digest is not null)
            {
                rows.Add(new(pod.Name, unit, image, running, null, AutoUpdateResult.Pinned));
                continue;
            }
            if (running is null)
            {
                rows.Add(Failure(pod, unit, image, null, null, "the running pod holds no record of the image it runs (restart it once)"));
                continue;
            }
            try
            {
                string remote = await store.RemoteDigestAsync(image, running, cancellationToken);
                if (remote != running) changes.Add((image, running, remote));
                // The pod is ready on what the registry names, but the tag still names what it
                // ran before: an auto-update killed between the pod's ready and the tag's move.
                // Its next start would run the old image, and "unchanged" here would never move
                // the tag. It is a change of the tag alone: no restart, the tag moves with the
                // group's (the pod runs the image already).
                else if (store.LocalDigest(image) is { } tagged && tagged != running) changes.Add((image, tagged, remote));
                else rows.Add(new(pod.Name, unit, image, running, remote, AutoUpdateResult.Unchanged));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Whatever one registry answers (a malformed index too), the other images and pods still get checked.
                rows.Add(Failure(pod, unit, image, running, null, e.Message));
            }
        }
        return new PodCheck(pod, unit, rows, changes);
    }

    /// <summary>Pulls the group's new images, restarts its pods on them one after the other
    /// and moves the tags once all are ready; else restarts those restarted so far on the
    /// images they ran before. Adds each pod's rows.</summary>
    private async Task ApplyAsync(List<PodCheck> group, CancellationToken cancellationToken)
    {
        List<PodCheck> changing = [.. group.Where(p => p.Changes.Count > 0)];
        if (changing.Count == 0) return;
        if (dryRun)
        {
            foreach (PodCheck p in changing) p.Rows.AddRange(p.Changes.Select(c => new AutoUpdateResult(p.Pod.Name, p.Unit, c.Image, c.Old, c.New, AutoUpdateResult.Pending)));
            return;
        }

        // Until the pods run again on what they ran or on what is tagged: an image fetched
        // but not tagged, and the old one after a failed restart (whose executor dropped the
        // pod's pin), are named by nothing gc would keep.
        using IDisposable keep = await store.KeepContentAsync(cancellationToken);
        var fetched = new Dictionary<string, string>(StringComparer.Ordinal); // by canonical name
        try
        {
            foreach (string image in changing.SelectMany(p => p.Changes).Select(c => Canonical(c.Image)).Distinct(StringComparer.Ordinal))
            {
                // Progress on stderr (plain lines when it is the journal, as under the timer):
                // a pull of minutes said nothing (CLI review of 2026-12-06, finding 8).
                ResolvedImage pulled = await store.FetchWithoutTaggingAsync(image, Images.Progress.PullProgressRenderer.ForStandardError(), cancellationToken);
                fetched[image] = pulled.ManifestDigest;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // No tag moved and no pod restarted: they keep running their old images. Any
            // failure (not only a PodUnitsException) ends here, so one bad image does not stop
            // the other pods.
            foreach (PodCheck p in changing) p.Rows.AddRange(p.Changes.Select(c => Failure(p.Pod, p.Unit, c.Image, c.Old, c.New, $"not updated: {e.Message}")));
            return;
        }

        // The pods restarted on the new images and not (yet) back on their old ones.
        var onTrial = new List<PodCheck>();
        try
        {
            (PodCheck Pod, string Why)? failed = null;
            foreach (PodCheck p in changing)
            {
                if (p.Changes.All(c => Running(p.Pod.Name, c.Image) == fetched[Canonical(c.Image)]))
                {
                    continue; // ready on them already: only its tags lag behind
                }
                PodLog.Information($"pod {p.Pod.Name}: restarting {p.Unit} on the new image{(p.Changes.Count == 1 ? "" : "s")}, waiting for it to be ready", new(Pod: p.Pod.Name));
                onTrial.Add(p);
                if (await RestartOnAsync(p, p.Changes.Select(c => (c.Image, fetched[Canonical(c.Image)])), cancellationToken) is { } failure)
                {
                    failed = (p, failure);
                    break;
                }
            }
            // Every pod must run what was fetched when the tags move: one started again
            // meanwhile by another hand (Restart=, an administrator) runs what the tag names
            // (own-diff review of 2026-12-07, finding 3).
            failed ??= changing.SelectMany(p => p.Changes.Select(c => (Pod: p, c.Image, Running: Running(p.Pod.Name, c.Image))))
                .Where(r => r.Running != fetched[Canonical(r.Image)])
                .Select(r => ((PodCheck Pod, string Why)?)(r.Pod, $"it was restarted ready, but then ran {Short(r.Running)} of {r.Image}, not {Short(fetched[Canonical(r.Image)])}"))
                .FirstOrDefault();
            if (failed is null)
            {
                Proven(changing, onTrial, fetched);
                return;
            }
            await RollBackAsync(changing, onTrial, failed.Value.Pod, failed.Value.Why, cancellationToken);
        }
        catch (Exception e)
        {
            // Interrupted, or systemd could not be asked: the tags never moved, and the pods
            // still on the new images are restarted on what the tags name (queued). Said in the
            // journal, the only place an interruption reaches (stdout gets no table from a
            // cut-short run).
            bool interrupted = e is OperationCanceledException;
            foreach (PodCheck p in changing.Where(p => p.Changes.Any(c => !p.Rows.Any(r => r.Image == c.Image))))
            {
                bool unproven = onTrial.Contains(p);
                string outcome = unproven ? $"the pod {await QueueRestartAsync(p.Unit)}" : "the pod was not restarted";
                string cause = !interrupted ? e.Message : unproven ? "interrupted while the pod restarted" : "interrupted";
                foreach ((string image, string old, string now) in p.Changes.Where(c => !p.Rows.Any(r => r.Image == c.Image)))
                {
                    AutoUpdateResult row = Failure(p.Pod, p.Unit, image, old, now, $"{cause}: its tag still names the old image, and {outcome}");
                    if (!interrupted) p.Rows.Add(row);
                }
            }
            if (interrupted) throw;
        }
    }

    /// <summary>Restarts <paramref name="p"/> on <paramref name="images"/> (an
    /// <see cref="AutoUpdateTrial"/> its stage 0 takes) and waits until it is ready: null
    /// then, else why it is not.</summary>
    private async Task<string?> RestartOnAsync(PodCheck p, IEnumerable<(string Reference, string ManifestDigest)> images, CancellationToken cancellationToken)
    {
        AutoUpdateTrial.Write(p.Pod.Name, images);
        try
        {
            return await RestartAsync(p.Pod, p.Unit, cancellationToken);
        }
        finally
        {
            AutoUpdateTrial.Discard(p.Pod.Name); // taken by the start, unless it failed before
        }
    }

    /// <summary>Every pod of the group was ready on the new images and runs them: the tags
    /// move. A pod not <paramref name="restarted"/> ran them already (its tag lagged).</summary>
    private void Proven(List<PodCheck> changing, List<PodCheck> restarted, Dictionary<string, string> fetched)
    {
        var unmoved = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string image, string digest) in fetched)
        {
            try
            {
                store.Retag(image, digest);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                unmoved[image] = e.Message;
            }
        }
        foreach (PodCheck p in changing)
        {
            foreach ((string image, string old, string now) in p.Changes)
            {
                string running = fetched[Canonical(image)];
                if (unmoved.TryGetValue(Canonical(image), out string? why))
                {
                    p.Rows.Add(Failure(p.Pod, p.Unit, image, running, now, $"the pod runs the new image, but its tag could not be moved (the next start runs the old one): {why}"));
                }
                else
                {
                    p.Rows.Add(new(p.Pod.Name, p.Unit, image, running, now, AutoUpdateResult.Updated));
                    Log(Serilog.Events.LogEventLevel.Information, JournalMessageIds.PodAutoUpdated, p.Pod, image, old, running, restarted.Contains(p)
                        ? $"pod {p.Pod.Name}: updated {image} from {Short(old)} to {Short(running)}"
                        : $"pod {p.Pod.Name}: runs {Short(running)} of {image}, ready, and its tag, which still named {Short(old)}, now names it");
                }
            }
        }
    }

    /// <summary><paramref name="failed"/> was not ready on the new images: every pod restarted
    /// on them is restarted on the digests it ran before (not on what the tags name: another
    /// hand may have moved one meanwhile; own-diff review of 2026-12-07, finding 2), the
    /// others are left alone.</summary>
    private async Task RollBackAsync(List<PodCheck> changing, List<PodCheck> onTrial, PodCheck failed, string why, CancellationToken cancellationToken)
    {
        foreach (PodCheck p in changing)
        {
            string because = p == failed ? why
                : $"pod {failed.Pod.Name}, which runs {(failed.Changes.Count == 1 ? "an image" : "images")} of this update too, did not become ready on {(failed.Changes.Count == 1 ? "it" : "them")}: {why}";
            if (!onTrial.Contains(p))
            {
                p.Rows.AddRange(p.Changes.Select(c => Failure(p.Pod, p.Unit, c.Image, c.Old, c.New, $"not updated: {because}")));
                continue;
            }
            string? again = await RestartOnAsync(p, p.Changes.Select(c => (c.Image, c.Old)), cancellationToken);
            onTrial.Remove(p);
            foreach ((string image, string old, string now) in p.Changes)
            {
                string? running = Running(p.Pod.Name, image);
                if (again is null && running == old)
                {
                    p.Rows.Add(new(p.Pod.Name, p.Unit, image, running, now, AutoUpdateResult.RolledBack, because));
                    Log(Serilog.Events.LogEventLevel.Warning, JournalMessageIds.PodAutoUpdateRolledBack, p.Pod, image, old, now,
                        $"pod {p.Pod.Name}: rolled back {image} to {Short(old)}: on {Short(now)} {because}");
                }
                else
                {
                    p.Rows.Add(Failure(p.Pod, p.Unit, image, running, now, again is null
                        ? $"the pod did not become ready on the new image ({because}) and was restarted ready on {Short(running)}, not on {Short(old)}"
                        : $"the pod failed on the new image ({because}) and on the old one ({again})"));
                }
            }
        }
    }

    /// <summary>Queues a restart of <paramref name="unit"/> (not waited for): "restarts on it
    /// (queued)", or why it could not be asked.</summary>
    private async Task<string> QueueRestartAsync(string unit)
    {
        try
        {
            await systemd.QueueJobAsync("RestartUnit", unit);
            return "restarts on it (queued)";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return $"could not be restarted on it ({e.Message}): it runs the new image until its next start";
        }
    }

    /// <summary>The digest <paramref name="pod"/>'s executor recorded for <paramref name="image"/>:
    /// what it runs (null when it does not run).</summary>
    private string? Running(string pod, string image) =>
        PodImages.ReadAll(store.Root).LastOrDefault(p => p.Pod == pod && p.Reference == image).ManifestDigest;

    /// <summary>Restarts the pod and waits until it is ready: null then, else why it is not.
    /// systemd's start timeout decides, or for a pod without one <c>readyTimeout</c>, or the
    /// time its startup and readiness probes may take to say it is ready when that is longer
    /// (a 30-minute startup probe must not be cut off at 10), up to a day.</summary>
    private async Task<string?> RestartAsync(PodDefinition pod, string unit, CancellationToken cancellationToken)
    {
        bool ownDeadline = await systemd.GetServiceStartTimeoutAsync(unit) is ulong.MaxValue or 0;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        TimeSpan limit = TimeSpan.FromSeconds(Math.Max(readyTimeout.TotalSeconds,
            Math.Min(Generator.PodUnitSettingsMapper.ProbeAllowanceSeconds(pod), TimeSpan.FromDays(1).TotalSeconds)));
        if (ownDeadline)
        {
            deadline.CancelAfter(limit);
        }
        try
        {
            await systemd.RestartUnitAsync(unit, deadline.Token);
            return null;
        }
        catch (SystemdCallException failure)
        {
            return failure.Message;
        }
        catch (OperationCanceledException) when (ownDeadline && !cancellationToken.IsCancellationRequested)
        {
            // The start job goes on in systemd; the next restart (the rollback's) replaces it.
            return $"{unit} was not ready within {limit.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)} s (its start has no timeout of its own; auto-update's --ready-timeout, or its probes' allowance)";
        }
    }

    private AutoUpdateResult Failure(PodDefinition pod, string unit, string image, string? running, string? remote, string error)
    {
        Log(Serilog.Events.LogEventLevel.Error, JournalMessageIds.PodAutoUpdateFailed, pod, image, running, remote, $"pod {pod.Name}: auto-update of {image} failed: {error}");
        return new(pod.Name, unit, image, running, remote, AutoUpdateResult.Failed, error);
    }

    private void Log(Serilog.Events.LogEventLevel level, string messageId, PodDefinition pod, string image, string? old, string? now, string message,
        [System.Runtime.CompilerServices.CallerFilePath] string file = "", [System.Runtime.CompilerServices.CallerLineNumber] int line = 0,
        [System.Runtime.CompilerServices.CallerMemberName] string function = "")
    {
        using IDisposable fields = Serilog.Context.LogContext.PushProperty("Image", image);
        using IDisposable oldDigest = Serilog.Context.LogContext.PushProperty("OldDigest", old);
        using IDisposable newDigest = Serilog.Context.LogContext.PushProperty("NewDigest", now);
        journal.Write(PodLog.Event(level, message, new LogSubject(Pod: pod.Name, MessageId: messageId), null, file, line, function));
    }

    /// <summary>sha256: and 12 hex digits, as `image list` shows digests.</summary>
    public static string Short(string? digest) => digest is null ? "-" : digest[..Math.Min(digest.Length, 19)];
}
