using System.CommandLine;
using PodUnits.Images.Progress;
using PodUnits.Images.Store;
using PodUnits.Runtime.State;

namespace PodUnits.Cli.Commands;

/// <summary><c>podunits gc</c>: removes image blobs and layer directories no reference and
/// no pod needs, after removing the runtime state a crashed pod left behind (pod state
/// first, so what only a dead pod held is free for the image collection).</summary>
internal static class GcCommand
{
    public static Command Create()
    {
        var command = new Command("gc", "Remove unreferenced image blobs, layers and leftovers of interrupted work.");
        command.SetAction(_ =>
        {
            foreach (string pod in PodStateGc.Collect())
            {
                Console.WriteLine($"removed stale state of pod {pod}");
            }
            GcResult result = ImageCommand.OpenStore().CollectGarbage();
            Console.WriteLine($"removed {result.BlobsRemoved} blobs, {result.LayersRemoved} layers, {result.TempsRemoved} leftovers ({PullProgressRenderer.Size(result.BytesFreed)} freed)");
            return 0;
        });
        return command;
    }
}
