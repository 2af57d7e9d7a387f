using System.CommandLine;
using PodUnits.Runtime.Executor;

namespace PodUnits.Cli.Commands;

/// <summary><c>podunits run NAME|FILE</c>: runs a pod in the foreground until it ends. This is
/// what pod@NAME.service starts (ExecStart); it also works from a terminal.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var pod = new Argument<string>("pod") { Description = "Pod name (definition in /etc/podunits/pods, ...) or a definition file." };
        var command = new Command("run", "Run a pod in the foreground (what pod@NAME.service runs).") { pod };
        command.SetAction((parse, _) => PodExecutor.RunAsync(parse.GetValue(pod)!));
        return command;
    }
}
