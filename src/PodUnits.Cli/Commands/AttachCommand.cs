using System.CommandLine;
using PodUnits.Runtime.Attach;

namespace PodUnits.Cli.Commands;

/// <summary>
/// <c>podunits attach NAME [--detach-keys KEYS]</c>: this terminal to the terminal of a pod
/// started with <c>podunits run -it</c> (podman attach, docker attach). Several terminals may
/// be attached at once; each sees the output and may type. The exit status is the pod's
/// when it ends while attached, 0 after detaching.
/// </summary>
internal static class AttachCommand
{
    public static Option<string> DetachKeysOption() => new("--detach-keys")
    {
        Description = $"The keys that leave the pod running and return to the shell, comma-separated (a character or ctrl-X); \"\" turns detaching off. Default: {DetachKeys.Default}.",
        DefaultValueFactory = _ => DetachKeys.Default,
    };

    public static Command Create()
    {
        var name = PodArgument.Create();
        var keys = DetachKeysOption();
        var command = new Command("attach", $"""
            Attach this terminal to the terminal of a running pod started with 'podunits run
            -it' (like podman attach): what the container writes appears here, what is typed
            here goes to it. {DetachKeys.Default.Replace(",", " ", StringComparison.Ordinal)} detaches again and leaves the pod running.
            The exit status is the pod's if it ends while attached, 0 after detaching.
              podunits run -it --name try debian -- bash     (then Ctrl-P Ctrl-Q)
              podunits attach try
            """)
        {
            name, keys,
        };
        command.SetAction((parsed, _) =>
        {
            string pod = PodArgument.Validated(parsed, name);
            DetachKeys detach = DetachKeys.Parse(parsed.GetValue(keys)!);
            // A typo is bad input (2), as for every NAME verb: attach exits with the pod's own
            // status, and "not running", 1, could not be told from a pod that ended 1.
            PodArgument.RequireKnown(pod);
            return Task.FromResult(AttachedTerminal.Attach(pod, detach));
        });
        return command;
    }
}
