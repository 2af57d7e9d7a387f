using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using PodUnits.Core.Errors;
using PodUnits.Core.Text;
using PodUnits.Images.Progress;
using PodUnits.Images.Store;
using PodUnits.Images.Trust;

namespace PodUnits.Cli.Commands;

/// <summary><c>podunits image fetch|import|list|inspect|export|rm</c>: the image store by hand.
/// The store root is /var/lib/podunits (PODUNITS_STORE_ROOT overrides it, for tests).</summary>
internal static class ImageCommand
{
    public static Command Create()
    {
        var command = new Command("image", "Fetch, import, list, inspect, export and remove images in the local store.");
        command.Subcommands.Add(Fetch());
        command.Subcommands.Add(Import());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Inspect());
        command.Subcommands.Add(Export());
        command.Subcommands.Add(Remove());
        return command;
    }

    internal static ImageStore OpenStore() =>
        ImageStore.Open(Environment.GetEnvironmentVariable("PODUNITS_STORE_ROOT") is { Length: > 0 } root ? root : ImageStore.DefaultRoot);

    private static Command Fetch()
    {
        var reference = new Argument<string>("REF") { Description = "Image reference, e.g. busybox:1.36 or registry.example:5000/app@sha256:..." };
        var command = new Command("fetch", """
            Fetch an image from its registry into the store (with progress), checked against
            the trust policy (/etc/podunits/policy.json, else /etc/containers/policy.json);
            pods then start without waiting for it.
              podunits image fetch docker.io/library/nginx:1.27
              podunits image fetch registry.example:5000/team/app@sha256:<64 hex digits>
            """) { reference };
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
        var command = new Command("import", """
            Import an image from a file or OCI layout directory (no registry needed). Prints
            each reference with its manifest digest, what REF@sha256:... pins in a definition
            ('image list' shows the configuration's ID, as docker and podman do).
              podunits image import app.tar                  (docker save or an OCI archive)
              podunits image import --name app:1.0 ./oci-layout
            """) { file, name };
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
        var command = new Command("list", """
            List the images in the store.
              podunits image list
              podunits image list -o json
            """) { output };
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
                Console.WriteLine($"{row.Reference.PadRight(width)}  {row.Id,-12}  {PullProgressRenderer.Size(row.Size),10}  {Shown(row.Created)}");
            return 0;
        });
        return command;
    }

    /// <summary>The image configuration's keys the text form of inspect shows, in this order (OCI image-spec, "Properties").</summary>
    private static readonly string[] ShownConfigKeys = ["Entrypoint", "Cmd", "WorkingDir", "User", "Env", "ExposedPorts", "Volumes", "StopSignal", "Labels"];

    private static Command Inspect()
    {
        var reference = new Argument<string>("REF") { Description = "A stored image's reference (podunits image list)." };
        Option<OutputFormat> output = GlobalOptions.Output();
        var command = new Command("inspect", """
            Show a stored image: its manifest and config digests, platform, creation time, size,
            layers (stored digest, media type, size, diff_id), the references naming it, its
            configuration (entrypoint, command, environment, user, ports...), and the signatures
            found for its names (registries.d's lookaside, registry attachments), each checked
            against the trust policy. -o json prints it all, the configuration as the image has it.
              podunits image inspect busybox
              podunits image inspect -o json registry.example:5000/app:1.2 | jq .config.Env
            """) { reference, output };
        command.SetAction(async (parse, cancellationToken) =>
        {
            ImageStore store = OpenStore();
            ImageDetails image = store.Inspect(parse.GetValue(reference)!);
            List<SignatureFound> signatures = await store.FindSignaturesAsync(image, cancellationToken);
            if (parse.GetValue(output) == OutputFormat.Json)
            {
                JsonObject json = ImageDetailsJson(image);
                json["signatures"] = new JsonArray([.. signatures.Select(s => (JsonNode)new JsonObject
                {
                    ["reference"] = s.Reference,
                    ["kind"] = s.Kind,
                    ["location"] = s.Location,
                    ["identity"] = s.Identity,
                    ["verified"] = s.Verified,
                    ["detail"] = s.Detail,
                })]);
                Console.WriteLine(json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                return 0;
            }
            Console.WriteLine($"Reference:    {image.Reference}");
            Console.WriteLine($"Manifest:     {image.ManifestDigest} ({Shown(image.ManifestMediaType)})");
            Console.WriteLine($"Config:       {image.ConfigDigest}");
            Console.WriteLine($"Platform:     {Shown(image.Os)}/{Shown(image.Architecture)}");
            Console.WriteLine($"Created:      {Shown(image.Created)}");
            Console.WriteLine($"Size:         {PullProgressRenderer.Size(image.Size)} (compressed)");
            Console.WriteLine($"Names:        {string.Join(", ", image.References)}");
            foreach (string key in ShownConfigKeys)
            {
                if (image.Config?[key] is { } value)
                {
                    Console.WriteLine($"{key + ":",-14}{value.ToJsonString()}");
                }
            }
            Console.WriteLine($"Layers:       {image.Layers.Count}");
            foreach (LayerDetails layer in image.Layers)
            {
                Console.WriteLine($"  {layer.Digest}  {PullProgressRenderer.Size(layer.Size),10}  {Shown(layer.MediaType)}  diff_id {layer.DiffId}");
            }
            Console.WriteLine($"Signatures:   {(signatures.Count == 0 ? "none found" : signatures.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))}");
            foreach (SignatureFound s in signatures)
            {
                Console.WriteLine($"  {s.Kind}  {Shown(s.Location)}  identity {Shown(s.Identity)}  {(s.Verified ? "verified" : "not verified")}: {Shown(s.Detail)}");
            }
            return 0;
        });
        return command;
    }

    private static JsonObject ImageDetailsJson(ImageDetails image) => new()
    {
        ["reference"] = image.Reference,
        ["references"] = new JsonArray([.. image.References.Select(r => (JsonNode)r)]),
        ["manifestDigest"] = image.ManifestDigest,
        ["manifestMediaType"] = image.ManifestMediaType,
        ["configDigest"] = image.ConfigDigest,
        ["created"] = image.Created,
        ["os"] = image.Os,
        ["architecture"] = image.Architecture,
        ["size"] = image.Size,
        ["layers"] = new JsonArray([.. image.Layers.Select(l => (JsonNode)new JsonObject
        {
            ["digest"] = l.Digest, ["mediaType"] = l.MediaType, ["size"] = l.Size, ["diffId"] = l.DiffId,
        })]),
        ["config"] = image.Config,
    };

    /// <summary>`image export REF -` whose reader went before the end.</summary>
    internal static readonly (string What, string Why) ExportReaderGone =
        ("image export", "standard output: its reader went away before the archive was complete");

    private static Command Export()
    {
        var reference = new Argument<string>("REF") { Description = "A stored image's reference (podunits image list)." };
        var file = new Argument<string>("FILE") { Description = "The OCI archive to write, or - for stdout (not a terminal)." };
        var command = new Command("export", """
            Write a stored image as an OCI archive (an OCI image layout in a tar), named by its
            full reference: what 'podunits image import', 'podman load' and skopeo's
            oci-archive: read. Every blob is checked against its digest on the way; FILE
            appears only once it is complete. A REF pinning a multi-platform index
            (REPO@sha256:INDEX) is written with that index and this platform's manifest, so
            that the import sets that name.
              podunits image export busybox busybox.tar
              skopeo inspect oci-archive:busybox.tar
              podunits image import busybox.tar        (on another host)
            """) { reference, file };
        command.SetAction(async (parse, cancellationToken) =>
        {
            string target = parse.GetValue(file)!;
            string name = parse.GetValue(reference)!;
            ImageStore store = OpenStore();
            if (target == "-")
            {
                if (!Console.IsOutputRedirected)
                {
                    throw new BadInputException("image export", "will not write an archive to a terminal; give a FILE or redirect stdout");
                }
                // Not .NET's console stream, which takes EPIPE for success: a reader that went
                // (`| head -c 4096`) ends the export at once, and it fails (CLI review of
                // 2026-12-07, finding 4).
                await using Stream stdout = new PlainConsole.DescriptorStream(1) { IncompleteWithoutReader = ExportReaderGone };
                await store.ExportAsync(name, stdout, cancellationToken);
                return 0;
            }
            string full = Path.GetFullPath(target);
            if (Directory.Exists(full))
            {
                throw new BadInputException($"image export {target}", $"is a directory: name the archive's file in it (for example {full.TrimEnd('/')}/image.tar)");
            }
            // Ctrl-C or a stop cancels the export, and the catch below deletes the half-written
            // archive: by the signals' default action it stayed, hidden, beside the target.
            // Taken before the file is made, so that no signal falls between the two.
            using var interrupt = new InterruptSignals(cancellationToken);
            string temp = $"{Path.GetDirectoryName(full)}/.{Path.GetFileName(full)}.tmp-{Environment.ProcessId}";
            FileStream created;
            try
            {
                created = new FileStream(temp, FileMode.CreateNew, FileAccess.Write);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Nothing was made: the archive's directory is missing or not writable.
                throw new BadInputException($"image export {target}", IoErrors.Describe(e, full));
            }
            try
            {
                (int layers, long bytes) result;
                await using (var output = created)
                {
                    result = await store.ExportAsync(name, output, interrupt.Token);
                    output.Flush(flushToDisk: true);
                }
                File.Move(temp, full, overwrite: true);
                Console.Error.WriteLine($"exported {name} to {full}: {Counted.Of(result.layers, "layer")}, {PullProgressRenderer.Size(result.bytes)}");
            }
            catch (Exception e) when (e is UnauthorizedAccessException
                || (e is IOException && e is not (FileNotFoundException or DirectoryNotFoundException)))
            {
                // Writing the archive failed (a full disk, a quota, an I/O error): one line, not
                // an internal error (images review of 2026-12-07, finding 6). A blob missing
                // from the store is the store's own error, raised as such.
                File.Delete(temp);
                throw new PodUnitsException($"image export {target}", IoErrors.Describe(e, full), ExitCodes.RuntimeFailure, e);
            }
            catch
            {
                File.Delete(temp);
                throw;
            }
            return 0;
        });
        return command;
    }

    private static Command Remove()
    {
        var reference = new Argument<string>("REF") { Description = "The image reference to remove." };
        var command = new Command("rm", """
            Remove an image reference (refused while a running pod uses it) and what only it
            needed. Defined pods that are not running and name it are warned of: their next
            start fetches it again, which an offline host cannot.
              podunits image rm nginx:1.27
            """) { reference };
        command.SetAction(parse =>
        {
            string given = parse.GetValue(reference)!;
            GcResult result = OpenStore().Remove(given);
            Console.WriteLine($"removed {given} ({Counted.Of(result.BlobsRemoved, "blob")}, {Counted.Of(result.LayersRemoved, "layer")}, {PullProgressRenderer.Size(result.BytesFreed)} freed)");
            WarnLayersKept(result);
            if (DefinedPodsNaming(given) is { Count: > 0 } pods)
            {
                Logging.PodLog.Warning($"image {given}: {Counted.Noun(pods.Count, "pod")} {string.Join(", ", pods)} {(pods.Count == 1 ? "names" : "name")} it; their next start fetches it again (an offline host cannot start them)");
            }
            return 0;
        });
        return command;
    }

    /// <summary>gc removed no layer directory because a live image cannot be read: says which
    /// and how to get out of it (a gc that never frees layers would otherwise go unnoticed).</summary>
    internal static void WarnLayersKept(GcResult result)
    {
        if (result.LayersKeptBecause is { } why)
        {
            Logging.PodLog.Warning($"{why}; no layer directory removed, as which ones that image needs cannot be known (fetch it again or 'podunits image rm' it)");
        }
    }

    /// <summary>The pods of the search path whose containers name <paramref name="given"/>
    /// (as references, normalized): removing it is allowed while they are stopped, but an
    /// air-gapped host would lose their next start (tour G).</summary>
    private static List<string> DefinedPodsNaming(string given)
    {
        if (!Core.Naming.ImageReference.TryParse(given, out Core.Naming.ImageReference? removed, out _))
        {
            return [];
        }
        return DefinedPods.Where(pod => pod.AllContainers.Any(c => Core.Naming.ImageReference.TryParse(c.Image, out Core.Naming.ImageReference? named, out _) && named == removed));
    }

    /// <summary>A string of the image maker's (its config's created, os and architecture, a
    /// media type, a signature's claims), shown with its control characters escaped: an ESC
    /// or OSC 52 sequence in `created` drove the administrator's terminal, rewrote earlier
    /// rows or set the clipboard (images review of 2026-12-07, finding 4). `-o json` escapes
    /// them already.</summary>
    internal static string Shown(string? imageText) => imageText is null ? "-" : Core.Text.OneLine.Of(imageText);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(List<ImageSummary>))]
internal sealed partial class ImageJsonContext : JsonSerializerContext;
