using System.CommandLine;
using PodUnits.Runtime.Init;

namespace PodUnits.Cli.Commands;

/// <summary>Hidden <c>podunits pod-init PLAN</c>: PID 1 of a pod, spawned by the executor.</summary>
internal static class PodInitCommand
{
    public static Command Create()
    {
        var plan = new Argument<string>("plan");
        var command = new Command("pod-init", "Internal: the pod's PID 1.") { plan };
        command.Hidden = true;
        command.SetAction(parse => PodInit.Run(parse.GetValue(plan)!));
        return command;
    }
}
