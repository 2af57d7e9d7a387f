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
        return why is null ? name : throw new BadInputException($"pod name \"{name}\"", why);
    }

    public static string UnitName(string pod) => Core.Naming.PodUnitNames.Service(pod);
}
