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
/// <item>pulls the new images (the trust policy applies), moving their tags;</item>
/// <item>restarts pod@NAME.service and waits for the job: a Type=notify unit's restart
/// ends when the pod is READY (its containers run and their readiness probes pass) or
/// fails at TimeoutStartSec=;</item>
/// <item>when it failed, points the tags back at the old images and restarts again.</item>
/// </list>
/// A pod's images are updated together, with one restart. Digest references never move.
/// A pod whose start has no deadline of its own (TimeoutStartSec=infinity: the generator
/// gives it to a pod with init containers) is given <paramref name="readyTimeout"/>: its
/// restart job would otherwise never end, and neither would the rollback or this command.
/// Cut short by a signal (<paramref name="cancellationToken"/>), it points moved tags
/// back, and a pod already restarting is restarted on its old images (queued, not waited
/// for), so that nothing runs or stays tagged that was not proven ready.
/// </summary>
/// <remarks>Updates, rollbacks and failures always go to the journal (<paramref name="journal"/>),
/// whoever runs the command: a pod restarted on another image is a host event, not only the
/// caller's business; the caller gets the results on stdout.</remarks>
internal sealed class AutoUpdater(SystemdManager systemd, ImageStore store, bool dryRun, TimeSpan readyTimeout, Serilog.ILogger journal)
{
    /// <summary>How many registries are asked at once: checks are independent and mostly
    /// waiting; restarts stay one after the other.</summary>
    private const int ParallelChecks = 8;

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
        var checks = await Task.WhenAll(candidates.Select(async c =>
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
        var results = new List<AutoUpdateResult>();
        for (int i = 0; i < candidates.Count; i++)
        {
            results.AddRange(await ApplyAsync(candidates[i].Pod, candidates[i].Unit, checks[i].Rows, checks[i].Changes, cancellationToken));
        }
        return results;
    }

    /// <summary>Asks the registries; changes nothing. Rows for the images that stay as they
    /// are, and the changes found.</summary>
    private async Task<(List<AutoUpdateResult> Rows, List<(string Image, string Old, string New)> Changes)> CheckPodAsync(
        PodDefinition pod, string unit, IEnumerable<PodImagePin> podPins, CancellationToken cancellationToken)
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
                if (remote == running) rows.Add(new(pod.Name, unit, image, running, remote, AutoUpdateResult.Unchanged));
                else changes.Add((image, running, remote));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Whatever one registry answers (a malformed index too), the other images and pods still get checked.
                rows.Add(Failure(pod, unit, image, running, null, e.Message));
            }
        }
        return (rows, changes);
    }

    /// <summary>Pulls, restarts and, when the pod does not get ready, rolls back.</summary>
    private async Task<List<AutoUpdateResult>> ApplyAsync(PodDefinition pod, string unit, List<AutoUpdateResult> rows,
        List<(string Image, string Old, string New)> changes, CancellationToken cancellationToken)
    {
        if (changes.Count == 0) return rows;
        if (dryRun)
        {
            rows.AddRange(changes.Select(c => new AutoUpdateResult(pod.Name, unit, c.Image, c.Old, c.New, AutoUpdateResult.Pending)));
            return rows;
        }

        // Until the rollback is done: after a failed restart no pin names the old images.
        using IDisposable keep = await store.KeepContentAsync(cancellationToken);
        var pulled = new List<(string Image, string Old, string New)>();
        bool restarting = false;
        try
        {
            foreach ((string image, string old, _) in changes)
            {
                // Progress on stderr (plain lines when it is the journal, as under the timer):
                // a pull of minutes said nothing (CLI review of 2026-12-06, finding 8).
                ResolvedImage fetched = await store.FetchAsync(image, Images.Progress.PullProgressRenderer.ForStandardError(), cancellationToken);
                pulled.Add((image, old, fetched.ManifestDigest));
            }
            restarting = true;
            PodLog.Information($"pod {pod.Name}: restarting {unit} on the new image{(pulled.Count == 1 ? "" : "s")}, waiting for it to be ready", new(Pod: pod.Name));
            string? failure = await RestartAsync(pod, unit, cancellationToken);
            if (failure is null)
            {
                foreach ((string image, string old, string now) in pulled)
                {
                    rows.Add(new(pod.Name, unit, image, now, now, AutoUpdateResult.Updated));
                    Log(Serilog.Events.LogEventLevel.Information, JournalMessageIds.PodAutoUpdated, pod, image, old, now,
                        $"pod {pod.Name}: updated {image} from {Short(old)} to {Short(now)}");
                }
                return rows;
            }
            string? unrestored = Restore(pulled);
            string? again = await RestartAsync(pod, unit, cancellationToken);
            if (again is null)
            {
                foreach ((string image, string old, string now) in pulled)
                {
                    rows.Add(new(pod.Name, unit, image, old, now, AutoUpdateResult.RolledBack, failure + unrestored));
                    Log(Serilog.Events.LogEventLevel.Warning, JournalMessageIds.PodAutoUpdateRolledBack, pod, image, old, now,
                        $"pod {pod.Name}: rolled back {image} to {Short(old)}: on {Short(now)} {failure}");
                }
            }
            else
            {
                rows.AddRange(pulled.Select(p => Failure(pod, unit, p.Image, p.Old, p.New,
                    $"the pod failed on the new image ({failure}) and on the old one ({again})")));
            }
            return rows;
        }
        catch (OperationCanceledException) when (pulled.Count > 0)
        {
            // Interrupted: nothing unproven may stay tagged, nor keep running. Said in the
            // journal, the only place it reaches (stdout gets no table from a cut-short run).
            string? unrestored = Restore(pulled);
            if (restarting)
            {
                await systemd.QueueJobAsync("RestartUnit", unit);
            }
            foreach ((string image, string old, string now) in pulled)
            {
                Failure(pod, unit, image, old, now, (restarting ? "interrupted while the pod restarted: its tag points at the old image again and the pod restarts on it (queued)"
                    : "interrupted: the tag points at the old image again; the pod was not restarted") + unrestored);
            }
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException && !restarting)
        {
            // The pod keeps running its old images. The image whose fetch failed never moved
            // its tag (the store moves a tag only once the image is unpacked and checked);
            // the ones fetched before it are pointed back. Any failure (not only a
            // PodUnitsException) ends here, so one bad image does not stop the other pods.
            string? unrestored = Restore(pulled);
            rows.AddRange(changes.Select(c => Failure(pod, unit, c.Image, c.Old, c.New, $"not updated: {e.Message}{unrestored}")));
            return rows;
        }
    }

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

    /// <summary>Points the tags of <paramref name="pulled"/> back at the images the pod ran.
    /// Null when all went back, else "; " and what could not (for the rows' messages): one
    /// tag that cannot go back must not keep the others from it.</summary>
    private string? Restore(List<(string Image, string Old, string New)> pulled)
    {
        var failures = new List<string>();
        foreach ((string image, string old, _) in pulled)
        {
            try
            {
                store.Retag(image, old);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failures.Add(e.Message);
            }
        }
        return failures.Count == 0 ? null : "; not pointed back: " + string.Join("; ", failures);
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
