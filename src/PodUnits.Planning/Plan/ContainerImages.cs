using PodUnits.Core.Errors;
using PodUnits.Definitions;
using PodUnits.Images.Progress;
using PodUnits.Images.Registry;
using PodUnits.Images.Store;
using PodUnits.Logging;
using PodUnits.Runtime.Executor;
using PodUnits.Runtime.Plan;

namespace PodUnits.Planning.Plan;

/// <summary>
/// Finds every container's image before the pod starts: <c>dir:/path</c> names a root
/// filesystem directory as it is; anything else is an image reference resolved through the
/// image store as imagePullPolicy says (pulled with progress when needed, layers unpacked)
/// and pinned by the manifest digest it resolved to (<see cref="ImageStore.ResolveForPodAsync"/>),
/// so gc keeps exactly what the pod runs even when its tag moves meanwhile.
/// </summary>
/// <remarks>One deliberate difference from the kubelet: with imagePullPolicy Always, a
/// registry that cannot be reached at all (no route, refused, DNS, timeout) is not fatal when
/// the store holds the image: the local copy runs, with a warning. Pods are host services
/// that start at boot, often before the network or the registry is up; a pod that ran
/// yesterday should not fail to start because a registry is down. A registry that answers
/// with an error (denied, not found, bad digest) still fails the start.</remarks>
public static class ContainerImages
{
    public const string DirectoryScheme = ImageReferences.DirectoryScheme;

    /// <summary>The store references a pod pins (everything but <c>dir:</c> images).</summary>
    public static IReadOnlyList<string> StoreReferences(PodDefinition pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        // A loop, not Select(...) on AllContainers' iterator: a generic virtual call, which NativeAOT
        // looks up at run time at every pod start (docs/process-model.md, "What a NativeAOT process pays").
        var references = new List<string>();
        foreach (ContainerDefinition c in pod.AllContainers)
        {
            if (!c.Image.StartsWith(DirectoryScheme, StringComparison.Ordinal) && !references.Contains(c.Image))
            {
                references.Add(c.Image);
            }
        }
        return references;
    }

    /// <summary>Maps each container's name to its resolved image. <paramref name="status"/>
    /// hears what is being done (for STATUS=), <paramref name="progressed"/> each bit of pull
    /// or unpack progress (for EXTEND_TIMEOUT_USEC=).
    /// <paramref name="pin"/>: false to look at the images only, without adding them to the
    /// pod's pin (for a pod that is not started, whose name may be another running pod's).</summary>
    public static async Task<Dictionary<string, ContainerImage>> ResolveAsync(PodDefinition pod, ImageStore store,
        Action<string> status, Action? progressed = null, bool pin = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(status);
        var byImage = new Dictionary<(string, ImagePullPolicy), ContainerImage>();
        var result = new Dictionary<string, ContainerImage>(StringComparer.Ordinal);
        // The new images `podunits auto-update` restarts this pod on, before their tags move.
        IReadOnlyDictionary<string, string> trial = pin && pod.AutoUpdate ? AutoUpdateTrial.Take(pod.Name) : new Dictionary<string, string>();
        foreach (ContainerDefinition c in pod.AllContainers)
        {
            if (!byImage.TryGetValue((c.Image, c.ImagePullPolicy), out ContainerImage? image))
            {
                string what = $"pod {pod.Name}: container {c.Name}: image {c.Image}";
                image = c.Image.StartsWith(DirectoryScheme, StringComparison.Ordinal)
                    ? FromDirectory(what, c.Image)
                    : trial.TryGetValue(c.Image, out string? trialDigest)
                    ? await FromTrialAsync(what, pod.Name, store, c.Image, trialDigest, status, progressed, cancellationToken).ConfigureAwait(false)
                    : await FromStoreAsync(what, pod.Name, pin, store, c.Image, c.ImagePullPolicy, pod.AutoUpdate, status, progressed, cancellationToken).ConfigureAwait(false);
                byImage[(c.Image, c.ImagePullPolicy)] = image;
            }
            result[c.Name] = image;
        }
        return result;
    }

    private static ContainerImage FromDirectory(string what, string reference)
    {
        string dir = reference[DirectoryScheme.Length..];
        if (!Path.IsPathRooted(dir) || !Directory.Exists(dir))
        {
            throw new BadInputException(what, "not a root filesystem directory (dir: needs an absolute path to one)");
        }
        if (dir.IndexOfAny([':', ',', '\\']) >= 0)
        {
            // They would end up in the overlay mount options, which use them as separators.
            throw new BadInputException(what, "a dir: path must not contain ':', ',' or '\\'");
        }
        return WithUser(what, new ContainerImage(reference, dir, null, null, [], null, null, null), null);
    }

    private static async Task<ContainerImage> FromStoreAsync(string what, string podName, bool pin, ImageStore store, string reference,
        ImagePullPolicy policy, bool autoUpdate, Action<string> status, Action? progressed, CancellationToken cancellationToken)
    {
        PullPolicy storePolicy = policy switch
        {
            ImagePullPolicy.Never => PullPolicy.Never,
            ImagePullPolicy.IfNotPresent => PullPolicy.IfNotPresent,
            // Under auto-update the stored image of a tag is the one to run: `podunits
            // auto-update` moves the tag, and its rollback must not be undone by a pull.
            _ when autoUpdate => PullPolicy.IfNotPresent,
            _ => PullPolicy.Always,
        };
        if (storePolicy != PullPolicy.Never)
        {
            status($"resolving image {reference}");
        }
        ResolvedImage resolved;
        try
        {
            var progress = new StatusOnPull(PullProgressRenderer.ForStandardError(), () => status($"pulling image {reference}"), progressed);
            resolved = await (pin ? store.ResolveForPodAsync(podName, reference, storePolicy, progress, cancellationToken)
                : store.ResolveAsync(reference, storePolicy, progress, cancellationToken)).ConfigureAwait(false);
        }
        catch (RegistryUnreachableException e) when (storePolicy == PullPolicy.Always)
        {
            try
            {
                resolved = await (pin ? store.ResolveForPodAsync(podName, reference, PullPolicy.Never, null, cancellationToken)
                    : store.ResolveAsync(reference, PullPolicy.Never, null, cancellationToken)).ConfigureAwait(false);
            }
            catch (PodUnitsException)
            {
                throw new PodUnitsException(what, $"{e.Why}, and the image store has no copy", e.ExitCode, e);
            }
            PodLog.Warning($"{what}: {e.Why}; running the local copy {resolved.ManifestDigest[..19]}", new(Pod: podName));
        }
        catch (RegistryUnreachableException e)
        {
            throw new PodUnitsException(what, e.Why, e.ExitCode, e);
        }
        catch (PodUnitsException e) when (storePolicy == PullPolicy.Never)
        {
            throw new BadInputException(what, e.Why);
        }
        catch (PodUnitsException e) when (!e.What.Contains(reference, StringComparison.Ordinal))
        {
            // A layer's or a blob's error ("layer entry 'usr/x': refused: ...") names no image:
            // in a pod of several, which one is what the reader needs first.
            throw new PodUnitsException(what, $"{e.What}: {e.Why}", e.ExitCode, e);
        }
        return Finish(what, podName, resolved, reference);
    }

    private static ContainerImage Finish(string what, string podName, ResolvedImage resolved, string reference)
    {
        if (resolved.ForeignPlatform is { } platform)
        {
            PodLog.Warning($"{what}: is built for {platform}, and this host runs linux/{Images.Oci.ManifestKind.HostArchitecture()}; " +
                "its programs may fail with \"Exec format error\"", new(Pod: podName));
        }
        var image = new ContainerImage(reference, resolved.LowerDirOption, resolved.Config.Entrypoint, resolved.Config.Cmd,
            resolved.Config.Env ?? [], resolved.Config.WorkingDir, null, null);
        return WithUser(what, image, resolved.Config.User);
    }

    /// <summary>The image an auto-update fetched for this start (<see cref="AutoUpdateTrial"/>),
    /// by its digest: its tag still names the image the pod ran before.</summary>
    private static async Task<ContainerImage> FromTrialAsync(string what, string podName, ImageStore store, string reference, string manifestDigest,
        Action<string> status, Action? progressed, CancellationToken cancellationToken)
    {
        status($"trying image {reference} at {manifestDigest[..19]} for auto-update");
        var progress = new StatusOnPull(PullProgressRenderer.ForStandardError(), () => { }, progressed);
        ResolvedImage resolved;
        try
        {
            resolved = await store.ResolveTrialForPodAsync(podName, reference, manifestDigest, progress, cancellationToken).ConfigureAwait(false);
        }
        catch (PodUnitsException e) when (!e.What.Contains(reference, StringComparison.Ordinal))
        {
            throw new PodUnitsException(what, $"{e.What}: {e.Why}", e.ExitCode, e);
        }
        return Finish(what, podName, resolved, reference);
    }

    /// <summary>Forwards pull progress, says "pulling" in the unit's STATUS= once a blob
    /// is actually downloaded (a stored image under IfNotPresent is never "pulled"), and
    /// tells <paramref name="progressed"/> of every report (the start-timeout extension).</summary>
    private sealed class StatusOnPull(IProgress<PullProgress> inner, Action pulling, Action? progressed) : IProgress<PullProgress>
    {
        private int _said;

        public void Report(PullProgress value)
        {
            if (value.Phase == PullPhase.Downloading && Interlocked.Exchange(ref _said, 1) == 0)
            {
                pulling();
            }
            progressed?.Invoke();
            inner.Report(value);
        }
    }

    private static ContainerImage WithUser(string what, ContainerImage image, string? user)
    {
        ImageAccounts accounts = ImageAccounts.None;
        try
        {
            // Read once: the USER's lookup and the supplementary groups both need them.
            accounts = new ImageAccounts(ImageLayerFiles.Read(image.LowerDirs, "etc/passwd"), ImageLayerFiles.Read(image.LowerDirs, "etc/group"));
            (long? uid, long? gid) = ImageUser.Resolve(user, relative => relative switch
            {
                "etc/passwd" => accounts.Passwd,
                "etc/group" => accounts.Group,
                _ => ImageLayerFiles.Read(image.LowerDirs, relative),
            });
            return image with { Uid = uid, Gid = gid, Accounts = accounts };
        }
        catch (ArgumentException e)
        {
            // Decided per container (ContainerIdentity): runAsUser makes the USER irrelevant.
            return image with { Accounts = accounts, UserError = e.Message };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PodUnitsException(what, $"cannot read the image's accounts: {e.Message}");
        }
    }
}
