using System.CommandLine;
using PodUnits.Runtime.Container;

namespace PodUnits.Cli.Commands;

/// <summary>Hidden <c>podunits container-start PLAN CONTAINER</c>: sets up one container and
/// execs its command; spawned by the pod init.</summary>
internal static class ContainerStartCommand
{
    public static Command Create()
    {
        var plan = new Argument<string>("plan");
        var container = new Argument<string>("container");
        var command = new Command("container-start", "Internal: set up and exec one container.") { plan, container };
        command.Hidden = true;
        command.SetAction(parse => ContainerStart.Run(parse.GetValue(plan)!, parse.GetValue(container)!));
        return command;
    }
}
