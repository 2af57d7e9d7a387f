using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using PodUnits.Images.Progress;
using PodUnits.Planning.Configuration;

namespace PodUnits.Cli.Commands;

/// <summary><c>podunits volume list|rm</c>: the named volumes persistentVolumeClaim volumes
/// use (/var/lib/podunits/volumes/CLAIM), which outlive their pods.</summary>
internal static class VolumeCommand
{
    public static Command Create()
    {
        var command = new Command("volume", "List and remove named volumes (persistentVolumeClaim), which outlive their pods.");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Remove());
        return command;
    }

    private static Command List()
    {
        Option<OutputFormat> output = GlobalOptions.Output();
        var command = new Command("list", """
            List the named volumes, their size and the running pods that mount them.
              podunits volume list
              podunits volume list -o json
            """) { output };
        command.SetAction(parse =>
        {
            IReadOnlyList<NamedVolume> rows = NamedVolumes.List();
            if (parse.GetValue(output) == OutputFormat.Json)
            {
                Console.WriteLine(JsonSerializer.Serialize(rows.ToList(), VolumeJsonContext.Default.ListNamedVolume));
                return 0;
            }
            int width = Math.Max(4, rows.Count == 0 ? 4 : rows.Max(r => r.Name.Length));
            Console.WriteLine($"{"NAME".PadRight(width)}  {"SIZE",10}  USED BY");
            foreach (NamedVolume row in rows)
            {
                Console.WriteLine($"{row.Name.PadRight(width)}  {PullProgressRenderer.Size(row.Bytes),10}  {(row.UsedBy.Count == 0 ? "-" : string.Join(",", row.UsedBy))}");
            }
            return 0;
        });
        return command;
    }

    private static Command Remove()
    {
        var name = new Argument<string>("NAME") { Description = "The volume (claim) name." };
        var command = new Command("rm", """
            Remove a named volume and its data. Refused while a pod that names it runs or is
            starting (pulling its image, waiting out a back-off or an automatic restart): it
            would go on, or start, on an empty volume. A pod that starts during the removal
            fails ("is being removed"). A stopped pod that names it is warned of: its next start
            gets an empty one. The volume is renamed aside (.removing-NAME-*) before it is
            deleted; what an interrupted removal left, rm of the name again or 'podunits gc'
            removes.
              podunits volume rm web-data
            """) { name };
        command.SetAction(async (parse, cancellationToken) =>
        {
            string volume = parse.GetValue(name)!;
            List<string> naming = DefinedPods.Where(pod => pod.Volumes.Any(v => v.Claim?.ClaimName == volume));
            await RefuseWhileStartingAsync(volume, naming, cancellationToken);
            NamedVolumes.Remove(volume);
            Console.WriteLine($"removed volume {volume}");
            if (naming.Count > 0)
            {
                Logging.PodLog.Warning($"volume {volume}: {Core.Text.Counted.Noun(naming.Count, "pod")} {string.Join(", ", naming)} " +
                    $"{(naming.Count == 1 ? "names" : "name")} it; {(naming.Count == 1 ? "its" : "their")} next start gets an empty one");
            }
            return 0;
        });
        return command;
    }

    /// <summary>A pod that names the volume and has not stopped: its claim is held (pulling,
    /// running) or its unit is not inactive (a start back-off, systemd's automatic restart,
    /// before the claim). NamedVolumes.Remove alone sees only running pods' plans.</summary>
    private static async Task RefuseWhileStartingAsync(string volume, List<string> naming, CancellationToken cancellationToken)
    {
        if (naming.Count == 0)
        {
            return;
        }
        Systemd.Units.SystemdManager? systemd = null;
        try
        {
            systemd = await Systemd.Units.SystemdManager.ConnectAsync(cancellationToken: cancellationToken);
        }
        catch (Core.Errors.PodUnitsException)
        {
            // No system bus (a host being set up): the claims alone say what runs.
        }
        await using (systemd)
        {
            foreach (string pod in naming)
            {
                string unit = Core.Naming.PodUnitNames.Service(pod);
                bool claimed = Runtime.State.PodClaim.IsHeld(pod);
                if (claimed && File.Exists($"{Runtime.State.PodPaths.RuntimeDir(pod)}/plan.json"))
                {
                    continue; // it runs: NamedVolumes.Remove refuses by its plan, if that mounts the volume
                }
                string? state = systemd is null ? null : (await systemd.GetUnitStatusAsync(unit))?.ActiveState;
                string? why = claimed ? "is starting (pulling its images or setting up)"
                    : state is null or "inactive" or "failed" ? null
                    : $"has {unit} {state} (a start, its back-off, or an automatic restart between two runs)";
                if (why is not null)
                {
                    throw new Core.Errors.PodUnitsException($"volume {volume}",
                        $"is named by pod {pod}, which {why}: it would start on an empty volume; stop it first ('podunits stop {pod}')");
                }
            }
        }
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(List<NamedVolume>))]
internal sealed partial class VolumeJsonContext : JsonSerializerContext;
