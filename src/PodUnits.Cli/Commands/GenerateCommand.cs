using System.CommandLine;
using PodUnits.Core.Errors;
using PodUnits.Definitions;
using PodUnits.Generator;

namespace PodUnits.Cli.Commands;

/// <summary>
/// The systemd generator (systemd.generator(7)): run by systemd at boot and on
/// daemon-reload as /usr/lib/systemd/system-generators/podunits-generator NORMAL EARLY LATE,
/// and `podunits generate [--dir DIR]`, the same logic as a dry run into DIR, or printed.
/// </summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var dir = new Option<string?>("--dir") { Description = "Write the generated units here instead of printing them.", HelpName = "DIR" };
        var command = new Command("generate", """
            Dry run of the systemd generator: the pod@NAME.service drop-ins, sockets and wants
            links it would make for every pod definition, printed to stdout (each file after a
            '# PATH' line, each link as '# PATH -> TARGET'), or written into DIR with --dir.
            Without --dir nothing is written where systemd reads. Exit status 1 when a definition is invalid (its
            file:line:column on stderr; the valid ones are generated), as the generator.
              podunits generate
              d=$(mktemp -d) && podunits generate --dir "$d" && find "$d"
            """)
        {
            dir,
        };
        command.SetAction(parsed =>
        {
            using GeneratorLog log = GeneratorLog.Open(preferKmsg: false);
            if (parsed.GetValue(dir) is not { } output)
            {
                return Print(log);
            }
            try
            {
                // 0755 whatever the umask: a group-writable new directory would be refused below.
                Directory.CreateDirectory(output, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                    | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new BadInputException($"--dir {output}", File.Exists(output) ? "is a file, not a directory" : IoErrors.Describe(e, output));
            }
            CheckTrusted(output);
            return PodGenerator.Run(PodDefinitionSearchPath.Default, output, log, RunningPods);
        });
        return command;
    }

    /// <summary>
    /// DIR must be the caller's own, not a link, and writable by no one else. The generator
    /// follows the subdirectories and replaces the links it finds in its output (systemd hands
    /// it empty directories of its own); run as root on a directory another user made first
    /// (`/tmp/units`, as the help's example), a `multi-user.target.wants` linked to
    /// /etc/systemd/system there let it replace an administrator's mask, and a linked
    /// `pod@X.service.d` let it write a drop-in elsewhere (generator review of 2026-12-07,
    /// finding 3). Inside a directory only its owner can write, nothing was put by anyone else.
    /// </summary>
    private static unsafe void CheckTrusted(string output)
    {
        Tmds.Linux.stat status;
        using (var path = new Core.Native.CString(output.TrimEnd('/') is { Length: > 0 } trimmed ? trimmed : "/"))
        {
            if (Tmds.Linux.LibC.lstat(path, &status) != 0)
            {
                throw new BadInputException($"--dir {output}", "cannot be examined");
            }
        }
        uint mode = (uint)status.st_mode;
        string? why = (mode & Core.Files.FileTypes.Mask) != Core.Files.FileTypes.Directory ? "is a symbolic link, not a directory of its own"
            : status.st_uid != Tmds.Linux.LibC.geteuid() ? $"belongs to user {status.st_uid}, not to the caller"
            : (mode & 0b000_010_010) != 0 ? "is writable by others (group or world)"
            : null;
        if (why is not null)
        {
            throw new BadInputException($"--dir {output}", $"{why}; the generator would follow what others put in it: use a new directory (mktemp -d)");
        }
    }

    /// <summary>The running pods' saved settings, for definitions that no longer load: a pod
    /// runs while its claim is held (upgrade review of 2026-12-07, finding 1), or that are gone
    /// (generator review of 2026-12-07, finding 1: the pods with runtime state are listed). The
    /// dry run uses them too, to show what the generator would write.</summary>
    private static RunningPodSettings RunningPods => new(Runtime.State.PodState.SavedUnitSettingsDir, Runtime.State.PodClaim.IsHeld, PodsWithState);

    /// <summary>The entries of /run/podunits/state that are directories (each NAME.lock beside
    /// them is a file); none before any pod ran since boot.</summary>
    private static IEnumerable<string> PodsWithState() =>
        Directory.Exists(Runtime.State.PodPaths.RuntimeRoot)
            ? Directory.EnumerateDirectories(Runtime.State.PodPaths.RuntimeRoot).Select(d => Path.GetFileName(d))
            : [];

    /// <summary>Without --dir: generated into a private directory of its own, printed, and
    /// removed. --dir was required, though /work/shared/DESIGN.md fixes `generate [--dir DIR]`,
    /// so a script written to it failed with exit 2 (CLI review of 2026-12-07, finding 3).
    /// Not systemd's own /run/systemd/generator: a dry run must change nothing the next
    /// daemon-reload or boot reads.</summary>
    private static int Print(GeneratorLog log)
    {
        DirectoryInfo scratch = Directory.CreateTempSubdirectory("podunits-generate-");
        try
        {
            int status = PodGenerator.Run(PodDefinitionSearchPath.Default, scratch.FullName, log, RunningPods);
            GeneratorListing.Write(scratch.FullName, Console.Out);
            return status;
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
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
            return PodGenerator.Run(PodDefinitionSearchPath.Default, args[0], log, RunningPods);
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
