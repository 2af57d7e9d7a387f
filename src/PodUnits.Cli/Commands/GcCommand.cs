using System.CommandLine;
using PodUnits.Core.Errors;
using PodUnits.Images.Progress;
using PodUnits.Images.Store;
using PodUnits.Logging;
using PodUnits.Planning.State;
using PodUnits.Runtime.Plan;
using PodUnits.Runtime.State;
using PodUnits.Systemd.Units;

namespace PodUnits.Cli.Commands;

/// <summary><c>podunits gc</c>: removes image blobs and layer directories no reference and
/// no pod needs, after removing the runtime state a crashed pod left behind (pod state
/// first, so what only a dead pod held is free for the image collection) and releasing the
/// user namespace ID ranges of pods whose definitions and state are gone.</summary>
internal static class GcCommand
{
    public static Command Create()
    {
        var command = new Command("gc", """
            Remove unreferenced image blobs and layers, and leftovers of interrupted work: a killed
            pod's runtime state, image pins, network attachment (CNI DEL: its lease, veth and
            rules), slice and, for an ad-hoc pod, what still runs in its scope; the user namespace
            IDs of pods whose definition and state (/var/lib/podunits/pods/NAME) are gone;
            partial downloads; what an interrupted
            'podunits volume rm' left (/var/lib/podunits/volumes/.removing-*).
              podunits gc
            """);
        command.SetAction(async (_, cancellationToken) =>
        {
            SystemdManager? systemd = null;
            try
            {
                systemd = await SystemdManager.ConnectAsync(cancellationToken);
            }
            catch (PodUnitsException e)
            {
                // Without systemd (a chroot, an image build) the rest of gc still has its work.
                PodLog.Warning($"{e.Message}; no pod scope or slice stopped");
            }
            try
            {
                await CollectPodsAsync(systemd);
            }
            finally
            {
                if (systemd is not null)
                {
                    await systemd.DisposeAsync();
                }
            }
            foreach (string leftover in Planning.Configuration.NamedVolumes.CollectLeftovers(warning => PodLog.Warning(warning)))
            {
                Console.WriteLine($"removed {leftover}, left by an interrupted 'podunits volume rm'");
            }
            RangeRelease ranges = PodStateGc.ReleaseUserNamespaceRanges();
            foreach ((string pod, IdMapping range) in ranges.Released)
            {
                Console.WriteLine($"released user namespace IDs {range.HostFirst}-{range.HostFirst + range.Size - 1} of pod {pod} (its definition is gone)");
            }
            foreach (string pod in ranges.KeptForState)
            {
                Console.WriteLine($"kept the user namespace IDs of pod {pod} (its definition is gone): {PodPaths.StateDir(pod)} holds files they own; "
                    + "remove that directory to release them at the next gc");
            }
            foreach (PodUnitsException unreadable in ranges.Unreadable)
            {
                // Never removed: it may be the only record of who owns the pod's files on disk.
                PodLog.Error($"{unreadable.Message}; its range is kept");
            }
            foreach (string warning in SubordinateOverlaps.OfRunningPods())
            {
                PodLog.Warning(warning);
            }
            GcResult result = ImageCommand.OpenStore().CollectGarbage();
            Console.WriteLine($"removed {result.BlobsRemoved} blobs, {result.LayersRemoved} layers, {result.TempsRemoved} leftovers ({PullProgressRenderer.Size(result.BytesFreed)} freed)");
            ImageCommand.WarnLayersKept(result);
            return ranges.Unreadable.Count > 0 ? ExitCodes.RuntimeFailure : ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>What killed pods left: first what still runs in an ad-hoc pod's scope (a
    /// plugin adding the network, which must not add rules for an address given back), then
    /// their state and networks, then their slices.</summary>
    private static async Task CollectPodsAsync(SystemdManager? systemd)
    {
        foreach (string scope in await StoppedAsync(systemd, PodSliceGc.CollectAdHocScopesAsync))
        {
            Console.WriteLine($"stopped {scope}, left by a pod whose executor was killed");
        }
        IReadOnlyList<string> collected = PodStateGc.Collect();
        foreach (string pod in collected)
        {
            Console.WriteLine($"removed stale state of pod {pod}");
        }
        foreach (string slice in await StoppedAsync(systemd, s => PodSliceGc.CollectAsync(s, collected)))
        {
            Console.WriteLine($"stopped {slice}, left by a pod that no longer runs");
        }
    }

    /// <summary>The units <paramref name="stop"/> stopped; none without systemd, or when
    /// systemd refused (said as a warning: the rest of gc still has its work).</summary>
    private static async Task<IReadOnlyList<string>> StoppedAsync(SystemdManager? systemd, Func<SystemdManager, Task<IReadOnlyList<string>>> stop)
    {
        try
        {
            return systemd is null ? [] : await stop(systemd);
        }
        catch (PodUnitsException e)
        {
            PodLog.Warning($"{e.Message}; no pod scope or slice stopped");
            return [];
        }
    }
}
