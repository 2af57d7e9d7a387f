using System.CommandLine;
using PodUnits.Core.Errors;
using PodUnits.Core.Naming;

namespace PodUnits.Cli;

/// <summary>The NAME argument of the verbs that act on a pod. The name is checked before it
/// reaches a unit name, a path or a command line.</summary>
internal static class PodArgument
{
    public static Argument<string> Create() => new("NAME") { Description = "The pod's name (its definition file's name)." };

    public static string Validated(ParseResult parsed, Argument<string> argument)
    {
        string name = parsed.GetValue(argument) ?? "";
        string? why = ResourceNames.Explain(name);
        return why is null ? name : throw new BadInputException($"pod name \"{Core.Text.OneLine.Of(name)}\"", why);
    }

    public static string UnitName(string pod) => Core.Naming.PodUnitNames.Service(pod);

    /// <summary>
    /// Throws (exit 2) for a name PodUnits knows nothing of: no definition in the search path,
    /// no runtime state (running, or an ad-hoc pod) and, when <paramref name="inJournal"/>
    /// says so, no lines in the journal either. A typo then says so instead of doing nothing
    /// with exit 0, as podman does for an unknown container. An ad-hoc pod's state kept by
    /// `run -i --keep` is a pod too, as `list` and `status` show it: `stop` of it does
    /// nothing (exit 0, as for any stopped pod), `enter` says it is not running.
    /// </summary>
    public static void RequireKnown(string pod, Func<bool>? inJournal = null)
    {
        if (Definitions.PodDefinitionSearchPath.Default.Find(pod) is not null || Directory.Exists(Runtime.State.PodPaths.RuntimeDir(pod))
            || File.Exists(Runtime.State.PodState.KeptAdHocDefinitionPath(pod)) || inJournal?.Invoke() == true)
        {
            return;
        }
        throw new BadInputException($"pod {pod}", $"no such pod: no definition {pod}.yaml in {Definitions.PodDefinitionSearchPath.DefaultRootsText}, "
            + (inJournal is null ? "and not running" : "not running, and nothing of it in the journal"));
    }
}
