using System.CommandLine;
using PodUnits.Core.Errors;
using PodUnits.Definitions;
using PodUnits.Runtime.State;

namespace PodUnits.Cli.Commands;

/// <summary><c>podunits export NAME</c>: the Kubernetes Pod YAML of a running ad-hoc pod
/// (`podunits run -i`), to move from trying to installing, as `podman kube generate` does for
/// podman's containers.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var name = PodArgument.Create();
        var command = new Command("export", """
            Print the Kubernetes Pod YAML that reproduces an ad-hoc pod (podunits run -i) while it
            runs, or after it ended when it ran with --keep.
            Install it to run the same thing as a host service:
              podunits export try > /etc/podunits/pods/try.yaml
              systemctl daemon-reload && systemctl enable --now pod@try
            (after the ad-hoc pod has ended: one name, one pod). A pod that has a definition
            already is told where it is. After the pod ended, the values of --env and
            --env-file are not kept (they may be secrets): their names come with empty values.
            As a service the command's stdin is empty and it has no terminal (said on stderr):
            a shell, or a command that reads its input, ends at once there.
            """)
        {
            name,
        };
        command.SetAction(parsed =>
        {
            string pod = PodArgument.Validated(parsed, name);
            foreach (string path in new[] { PodState.AdHocDefinitionPath(pod), PodState.KeptAdHocDefinitionPath(pod) })
            {
                if (File.Exists(path))
                {
                    string yaml;
                    try
                    {
                        yaml = File.ReadAllText(path);
                    }
                    catch (UnauthorizedAccessException)
                    {
                        // Root's only: it holds the command line's environment.
                        throw new PodUnitsException($"pod {pod}", $"{path} is root's only; run export as root");
                    }
                    Console.Out.Write(yaml);
                    // Said where the one who installs it reads, not only in the YAML's comment
                    // (review of the docs, 2026-12-07, finding 3). Files of older runs lack it.
                    if (yaml.Contains("\n# It ran with -i", StringComparison.Ordinal))
                    {
                        Logging.PodLog.Warning($"pod {pod}: as a service its command gets an empty stdin and no terminal; a shell, or a command that reads its input, ends at once there");
                    }
                    return 0;
                }
            }
            throw PodDefinitionSearchPath.Default.Find(pod) is { } file
                ? new BadInputException($"pod {pod}", $"is defined by {file} already; that file is its definition")
                : new BadInputException($"pod {pod}", "is not an ad-hoc pod (podunits run -i) that runs or was kept (--keep)");
        });
        return command;
    }
}
