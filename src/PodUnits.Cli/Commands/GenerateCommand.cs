using System.CommandLine;
using PodUnits.Core.Errors;
using PodUnits.Definitions;
using PodUnits.Generator;

namespace PodUnits.Cli.Commands;

/// <summary>
/// The systemd generator (systemd.generator(7)): run by systemd at boot and on
/// daemon-reload as /usr/lib/systemd/system-generators/podunits-generator NORMAL EARLY LATE,
/// and `podunits generate --dir DIR`, the same logic as a dry run into DIR.
/// </summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var dir = new Option<string>("--dir") { Description = "Write the generated units here.", Required = true };
        var command = new Command("generate", """
            Dry run of the systemd generator: write the pod@NAME.service drop-ins and wants links for every pod definition into DIR.
            Exit status 1 when a definition is invalid (its file:line:column on stderr; the valid ones are written), as the generator.
              podunits generate --dir /tmp/units && find /tmp/units
            """)
        {
            dir,
        };
        command.SetAction(parsed =>
        {
            string output = parsed.GetValue(dir)!;
            try
            {
                Directory.CreateDirectory(output);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new BadInputException($"--dir {output}", File.Exists(output) ? "is a file, not a directory" : IoErrors.Describe(e, output));
            }
            using GeneratorLog log = GeneratorLog.Open(preferKmsg: false);
            return PodGenerator.Run(PodDefinitionSearchPath.Default, output, log);
        });
        return command;
    }

    /// <summary>argv: NORMAL_DIR [EARLY_DIR LATE_DIR]; drop-ins go to the normal directory.</summary>
    public static int RunAsGenerator(string[] args)
    {
        using GeneratorLog log = GeneratorLog.Open(preferKmsg: true);
        if (args.Length is not (1 or 3))
        {
            log.Error("usage: podunits-generator NORMAL_DIR [EARLY_DIR LATE_DIR]");
            return 2;
        }
        try
        {
            return PodGenerator.Run(PodDefinitionSearchPath.Default, args[0], log);
        }
#pragma warning disable CA1031 // a generator reports and ends; a stack trace in the boot log helps no one
        catch (Exception e)
#pragma warning restore CA1031
        {
            log.Error($"{Core.Text.OneLine.Of(e.Message)}; no pod units generated");
            return 1;
        }
    }
}
