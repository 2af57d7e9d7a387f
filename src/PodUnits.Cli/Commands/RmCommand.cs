using System.CommandLine;
using PodUnits.Runtime.State;

namespace PodUnits.Cli.Commands;

/// <summary><c>podunits rm NAME</c>: removes what `podunits run -i --keep` kept of an ad-hoc pod
/// once it has ended, as `podman rm` removes a stopped container. Until then the name stays
/// taken: a new `run -i --name NAME` is refused rather than starting afresh over it.</summary>
internal static class RmCommand
{
    public static Command Create()
    {
        var name = PodArgument.Create();
        var command = new Command("rm", """
            Remove what an ended ad-hoc pod kept (podunits run -i --keep): its writable layer, its
            volumes and its definition; the name is free again. A running pod is refused: stop it first.
              podunits export try > try.yaml && podunits rm try
            """)
        {
            name,
        };
        command.SetAction(parsed =>
        {
            string pod = PodArgument.Validated(parsed, name);
            if (!PodState.RemoveKept(pod))
            {
                Console.Error.WriteLine($"podunits: note: pod {pod} has run from a definition in the kept state since; removed only the kept definition, not that pod's state");
            }
            Console.Out.WriteLine(pod); // as podman rm says what it removed
            return 0;
        });
        return command;
    }
}
