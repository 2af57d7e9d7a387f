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
            Remove a named volume and its data (refused while a running pod mounts it).
              podunits volume rm web-data
            """) { name };
        command.SetAction(parse =>
        {
            NamedVolumes.Remove(parse.GetValue(name)!);
            Console.WriteLine($"removed volume {parse.GetValue(name)}");
            return 0;
        });
        return command;
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(List<NamedVolume>))]
internal sealed partial class VolumeJsonContext : JsonSerializerContext;
