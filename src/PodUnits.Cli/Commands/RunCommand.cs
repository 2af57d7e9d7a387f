using System.CommandLine;
using PodUnits.Core.Errors;
using PodUnits.Runtime.Executor;
using PodUnits.Runtime.Network;
using PodUnits.Planning;
using PodUnits.Planning.Network;

namespace PodUnits.Cli.Commands;

/// <summary><c>podunits run NAME|FILE</c>: runs a pod in the foreground until it ends. This is
/// what pod@NAME.service starts (ExecStart); it also works from a terminal.
/// <c>podunits run --interactive IMAGE [-- CMD ARGS...]</c>: an ad-hoc one-container pod
/// attached to the terminal.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var pod = new Argument<string>("pod") { Description = "Pod name (definition in /etc/podunits/pods, ...), a definition file, or with --interactive an image." };
        var rest = new Argument<string[]>("command") { Description = "With --interactive: the command and its arguments (after --).", Arity = ArgumentArity.ZeroOrMore };
        var interactive = new Option<bool>("--interactive", "-i") { Description = "Run IMAGE as an ad-hoc pod with the terminal attached." };
        var net = new Option<string?>("--net")
        {
            Description = "With --interactive: \"host\" for the host's network, or the name of a CNI network (default: podunits).",
        };
        var ports = new Option<string[]>("--port", "-p")
        {
            Description = "With --interactive: publish a port, [HOSTIP:]HOSTPORT:CONTAINERPORT[/tcp|udp|sctp] (repeatable).",
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("run", "Run a pod in the foreground (what pod@NAME.service runs).") { pod, rest, interactive, net, ports };
        command.SetAction((parse, _) =>
        {
            string target = parse.GetValue(pod)!;
            string[] argv = parse.GetValue(rest) ?? [];
            if (parse.GetValue(GlobalOptions.Verbose))
            {
                // The pod runs in podunits-stage1 (exec'd): it reports errors the same way.
                Environment.SetEnvironmentVariable(Verbosity.Variable, "1");
            }
            string? network = parse.GetValue(net);
            string[] published = parse.GetValue(ports) ?? [];
            if (parse.GetValue(interactive))
            {
                return Stage0.RunInteractiveAsync(target, argv, InteractiveNetwork.Parse(network, published));
            }
            if (argv.Length > 0 || network is not null || published.Length > 0)
            {
                throw new BadInputException("run", "a command, --net and --port are only allowed with --interactive");
            }
            return Stage0.RunAsync(target);
        });
        return command;
    }
}
