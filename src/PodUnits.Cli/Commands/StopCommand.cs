using System.CommandLine;
using PodUnits.Systemd.Units;

namespace PodUnits.Cli.Commands;

/// <summary><c>podunits stop NAME</c>: what `systemctl stop pod@NAME` does, over D-Bus, waiting
/// until the pod is down (its containers get SIGTERM, then SIGKILL after the grace period).</summary>
internal static class StopCommand
{
    public static Command Create()
    {
        var name = PodArgument.Create();
        var command = new Command("stop", """
            Stop a running pod (like 'systemctl stop pod@NAME'), or an ad-hoc one of 'podunits run -i',
            and wait until it is down: each container gets SIGTERM after its preStop hook, and SIGKILL
            once the pod's terminationGracePeriodSeconds have passed.
              podunits stop web
            """)
        {
            name,
        };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            string pod = PodArgument.Validated(parsed, name);
            if (await AdHocPods.TryStopAsync(pod, cancellationToken))
            {
                return 0;
            }
            PodArgument.RequireKnown(pod);
            await using SystemdManager systemd = await SystemdManager.ConnectAsync(cancellationToken);
            await systemd.StopUnitAsync(PodArgument.UnitName(pod), cancellationToken);
            return 0;
        });
        return command;
    }
}
