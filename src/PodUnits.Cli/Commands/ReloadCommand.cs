using System.CommandLine;
using PodUnits.Core.Errors;
using PodUnits.Definitions;
using PodUnits.Logging;
using PodUnits.Planning.Configuration;
using PodUnits.Runtime.State;

namespace PodUnits.Cli.Commands;

/// <summary><c>podunits reload NAME</c>: what the kubelet does when a ConfigMap or Secret
/// changes, for a running pod (docs/configuration.md). `systemctl reload pod@NAME` runs it.</summary>
internal static class ReloadCommand
{
    public static Command Create()
    {
        var name = PodArgument.Create();
        var command = new Command("reload",
            "Update a running pod's configMap, secret, downwardAPI and projected volumes from its definition and the\n" +
            "ConfigMaps and Secrets it uses, without restarting it (also 'systemctl reload pod@NAME'). Each volume\n" +
            "changes in one step (its ..data link); environment variables keep their values until the next restart\n" +
            "(a key only they use may go: reload warns that the next start will fail on it).\n" +
            "  podunits secret create db --replace --from-file password=./new-password && podunits reload web")
        {
            name,
        };
        command.SetAction(parsed =>
        {
            string pod = PodArgument.Validated(parsed, name);
            // A running ad-hoc pod (`podunits run -i`) keeps the definition it was made from.
            string? installed = PodDefinitionSearchPath.Default.Find(pod);
            string path = installed
                ?? (File.Exists(PodState.AdHocDefinitionPath(pod)) ? PodState.AdHocDefinitionPath(pod) : null)
                ?? throw new BadInputException($"pod {pod}", $"no definition {pod}.yaml in {PodDefinitionSearchPath.DefaultRootsText}");
            // The ad-hoc pod's file is adhoc.yaml: its name is the pod's, not the file's.
            // An environment variable's missing ConfigMap, Secret or key cannot stop the volumes'
            // update (the environment is read at the next start): a warning (tour G).
            LoadResult loaded = PodDefinitionLoader.LoadFile(path,
                LoadOptions.Default with { NameMismatchIsWarning = installed is null, EnvReferencesAreWarnings = true });
            foreach (string warning in loaded.WarningLines)
            {
                PodLog.Warning(warning, new(Pod: pod));
            }
            PodDefinition definition = loaded.GetPodOrThrow();
            IReadOnlyList<string> written = ProjectedVolumeReload.Apply(definition, message => PodLog.Warning($"pod {pod}: {message}", new(Pod: pod)));
            Console.WriteLine(written.Count == 0
                ? $"pod {pod}: no configMap, secret, downwardAPI or projected volumes to reload"
                : $"pod {pod}: reloaded volume{(written.Count == 1 ? "" : "s")} {string.Join(", ", written)}");
            return 0;
        });
        return command;
    }
}
