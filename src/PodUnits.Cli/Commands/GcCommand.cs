using System.CommandLine;
using PodUnits.Images.Progress;
using PodUnits.Images.Store;

namespace PodUnits.Cli.Commands;

/// <summary><c>podunits gc</c>: removes image blobs and layer directories no reference and
/// no pod needs (ImageStore.CollectGarbage; pod leftovers can be added next to it).</summary>
internal static class GcCommand
{
    public static Command Create()
    {
        var command = new Command("gc", "Remove unreferenced image blobs, layers and leftovers of interrupted work.");
        command.SetAction(_ =>
        {
            GcResult result = ImageCommand.OpenStore().CollectGarbage();
            Console.WriteLine($"removed {result.BlobsRemoved} blobs, {result.LayersRemoved} layers, {result.TempsRemoved} leftovers ({PullProgressRenderer.Size(result.BytesFreed)} freed)");
            return 0;
        });
        return command;
    }
}
