using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using PodUnits.Images.Progress;
using PodUnits.Images.Store;

namespace PodUnits.Cli.Commands;

/// <summary><c>podunits image fetch|import|list|rm</c>: the image store by hand.
/// The store root is /var/lib/podunits (PODUNITS_STORE_ROOT overrides it, for tests).</summary>
internal static class ImageCommand
{
    public static Command Create()
    {
        var command = new Command("image", "Fetch, import, list and remove images in the local store.");
        command.Subcommands.Add(Fetch());
        command.Subcommands.Add(Import());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Remove());
        return command;
    }

    internal static ImageStore OpenStore() =>
        ImageStore.Open(Environment.GetEnvironmentVariable("PODUNITS_STORE_ROOT") is { Length: > 0 } root ? root : ImageStore.DefaultRoot);

    private static Command Fetch()
    {
        var reference = new Argument<string>("REF") { Description = "Image reference, e.g. busybox:1.36 or registry.example:5000/app@sha256:..." };
        var command = new Command("fetch", "Fetch an image from its registry into the store (with progress).") { reference };
        command.SetAction(async (parse, cancellationToken) =>
        {
            ImageStore store = OpenStore();
            ResolvedImage image = await store.FetchAsync(parse.GetValue(reference)!, PullProgressRenderer.ForStandardError(), cancellationToken);
            Console.WriteLine($"{image.Reference} {image.ManifestDigest}");
            return 0;
        });
        return command;
    }

    private static Command Import()
    {
        var file = new Argument<string>("FILE") { Description = "An OCI archive, a docker-save archive or an OCI layout directory." };
        var name = new Option<string?>("--name") { Description = "The reference to store the image under (needed if the archive names none)." };
        var command = new Command("import", "Import an image from a file or OCI layout directory.") { file, name };
        command.SetAction(async (parse, cancellationToken) =>
        {
            // Progress on stderr: each layer unpacked, and what the unpacker skipped (device nodes).
            var images = await OpenStore().ImportAsync(parse.GetValue(file)!, parse.GetValue(name),
                PullProgressRenderer.ForStandardError(), cancellationToken);
            foreach (ResolvedImage image in images) Console.WriteLine($"{image.Reference} {image.ManifestDigest}");
            return 0;
        });
        return command;
    }

    private static Command List()
    {
        Option<OutputFormat> output = GlobalOptions.Output();
        var command = new Command("list", "List the images in the store.") { output };
        command.SetAction(parse =>
        {
            IReadOnlyList<ImageSummary> rows = OpenStore().List();
            if (parse.GetValue(output) == OutputFormat.Json)
            {
                Console.WriteLine(JsonSerializer.Serialize(rows.ToList(), ImageJsonContext.Default.ListImageSummary));
                return 0;
            }
            int width = Math.Max(3, rows.Count == 0 ? 3 : rows.Max(r => r.Reference.Length));
            Console.WriteLine($"{"REF".PadRight(width)}  {"ID",-12}  {"SIZE",10}  CREATED");
            foreach (ImageSummary row in rows)
                Console.WriteLine($"{row.Reference.PadRight(width)}  {row.Id,-12}  {PullProgressRenderer.Size(row.Size),10}  {row.Created ?? "-"}");
            return 0;
        });
        return command;
    }

    private static Command Remove()
    {
        var reference = new Argument<string>("REF") { Description = "The image reference to remove." };
        var command = new Command("rm", "Remove an image reference (refused while a pod uses it) and what only it needed.") { reference };
        command.SetAction(parse =>
        {
            GcResult result = OpenStore().Remove(parse.GetValue(reference)!);
            Console.WriteLine($"removed {parse.GetValue(reference)} ({result.BlobsRemoved} blobs, {result.LayersRemoved} layers, {PullProgressRenderer.Size(result.BytesFreed)} freed)");
            return 0;
        });
        return command;
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(List<ImageSummary>))]
internal sealed partial class ImageJsonContext : JsonSerializerContext;
