using System.Globalization;
using PodUnits.Core.Native;
using PodUnits.Runtime.Logging;
using PodUnits.Runtime.State;

namespace PodUnits.Runtime.Executor;

/// <summary>
/// What stage 1 releases when it refuses a <c>run</c> from a podunits of another build
/// (<see cref="Stage1.EnsureSameBuild"/>). Stage 0 hands the clean-up of what it took (the
/// image pin, the runtime directory, a `run -i` pod's state) to the executor at the exec or
/// the spawn, and the executor's <c>finally</c> does it; a refused hand-off never gets there,
/// and left a pin that `image rm` took for a running pod's, and a `run -i` pod's writable
/// layers and environment values, until a gc nothing schedules (merged-changes review of
/// 2026-12-07, finding 1). The plan is not read: its format is what the check protects. Only
/// paths no version has moved are used: the pod's name from the claim's path, and the
/// directories named after it.
/// </summary>
public static class RefusedHandOff
{
    /// <summary>Releases the pod whose claim stage 1 was handed as <paramref name="claimFd"/>;
    /// nothing when that descriptor is no held claim on a valid pod name.</summary>
    public static void Release(int claimFd)
    {
        string? target;
        try
        {
            target = new FileInfo($"/proc/self/fd/{claimFd.ToString(CultureInfo.InvariantCulture)}").LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }
        // Held through this descriptor (the claim stage 0 took: flock converts a lock its own
        // open file holds), or by nobody: another process holding it runs the pod, whose
        // files these are.
        if (PodOfClaim(target) is not { } pod || LibcExtra.flock(claimFd, LibcExtra.LOCK_EX | LibcExtra.LOCK_NB) != 0)
        {
            return;
        }
        try
        {
            // PodImages.PathFor(ImageStore.DefaultRoot, pod), which stage 1 does not link.
            File.Delete(PinPath(pod));
            PodState.Release(pod);
            // As the executor's finally: an ad-hoc pod's state goes unless `--keep` kept it.
            if (File.Exists(PodState.AdHocMarkerPath(pod)) && !File.Exists(PodState.KeptAdHocDefinitionPath(pod)))
            {
                _ = PodState.DeleteAdHoc(pod);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            StageLog.Warning($"pod {pod}: releasing what its start took: {Core.Text.OneLine.Of(e.Message)}; 'podunits gc' does it");
        }
    }

    /// <summary>The pod whose claim <paramref name="linkTarget"/> (a descriptor's link in
    /// /proc) is: <see cref="PodClaim.LockPath"/> of a valid name; null for anything else, a
    /// lock file unlinked since (" (deleted)") included.</summary>
    internal static string? PodOfClaim(string? linkTarget)
    {
        const string Prefix = PodPaths.RuntimeRoot + "/", Suffix = ".lock";
        if (linkTarget is null || !linkTarget.StartsWith(Prefix, StringComparison.Ordinal) || !linkTarget.EndsWith(Suffix, StringComparison.Ordinal)
            || linkTarget.Length < Prefix.Length + Suffix.Length)
        {
            return null;
        }
        string pod = linkTarget[Prefix.Length..^Suffix.Length];
        return Core.Naming.ResourceNames.IsValid(pod) && PodClaim.LockPath(pod) == linkTarget ? pod : null;
    }

    /// <summary>The pod's image pin (Images' PodImages.PathFor under the default store root).</summary>
    internal static string PinPath(string pod) => Path.Join(PodPaths.StateDir(pod), "images");
}
