using System.CommandLine;
using System.Globalization;
using PodUnits.Cli.Inspection;
using PodUnits.Core.Errors;
using PodUnits.Core.Naming;
using PodUnits.Runtime.Spawning;
using PodUnits.Systemd.Units;

namespace PodUnits.Cli.Commands;

/// <summary>
/// <c>podunits enter NAME [--container C] [-- CMD...]</c>: runs a command (a shell by
/// default) in a running container: its mount (and so its root), PID, UTS, IPC and network
/// namespaces, its user and group, its working directory and its environment. It becomes
/// nsenter(1) (execve, no fork), so the terminal, signals and exit status are the command's.
/// </summary>
internal static class EnterCommand
{
    private const string Nsenter = "/usr/bin/nsenter";

    public static Command Create()
    {
        var name = PodArgument.Create();
        var container = new Option<string?>("--container", "-c")
        {
            Description = "The container to enter (default: the pod's first container).",
        };
        var commandLine = new Argument<string[]>("CMD")
        {
            Description = "The command and its arguments (default /bin/sh). Put -- before it.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var command = new Command("enter", """
            Run a command inside a running container, a shell by default: the container's
            root, namespaces, user, working directory and environment (like podman exec or
            machinectl shell). The command keeps root's capabilities: it is an administrator's
            tool, not a container process.
              podunits enter web
              podunits enter web -c db -- psql -U postgres
              podunits enter web -- cat /etc/resolv.conf
            """) { name, container, commandLine };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            string pod = PodArgument.Validated(parsed, name);
            string? wanted = parsed.GetValue(container);
            if (wanted is not null && ResourceNames.Explain(wanted) is { } why)
            {
                throw new BadInputException($"container name \"{wanted}\"", why);
            }
            await using SystemdManager systemd = await SystemdManager.ConnectAsync(cancellationToken);
            PodReport report = await new PodInspector(systemd).InspectAsync(pod);
            ContainerReport target = wanted is null
                ? report.Containers.FirstOrDefault(c => !c.Init)
                    ?? throw new BadInputException($"pod {pod}", "has no definition with containers (name one with --container)")
                : report.Containers.FirstOrDefault(c => c.Name == wanted)
                    ?? throw new BadInputException($"pod {pod}", $"has no container \"{wanted}\" (it has: {string.Join(", ", report.Containers.Select(c => c.Name))})");
            int pid = target.Pid ?? throw new PodUnitsException($"pod {pod}: container {target.Name}", $"is not running ({target.Scope} is {target.State})");
            string[] argv = parsed.GetValue(commandLine) is { Length: > 0 } given ? given : ["/bin/sh"];
            (string uid, string gid) = Credentials(pid);
            List<string> environment = ContainerEnvironment(pid);
            if (Environment.GetEnvironmentVariable("TERM") is { Length: > 0 } term && !environment.Any(e => e.StartsWith("TERM=", StringComparison.Ordinal)))
            {
                environment.Add($"TERM={term}");
            }
            if (!File.Exists(Nsenter))
            {
                throw new PodUnitsException("enter", $"{Nsenter} is missing (install util-linux)");
            }
            string target1 = pid.ToString(CultureInfo.InvariantCulture);
            Spawner.Exec(Nsenter, ["nsenter", "-t", target1, "-m", "-u", "-i", "-n", "-p", "-r", "-w", "-S", uid, "-G", gid, "--", .. argv], environment);
            return ExitCodes.RuntimeFailure; // not reached: Exec returns only by throwing
        });
        return command;
    }

    /// <summary>The container process's real uid and gid (/proc/PID/status).</summary>
    private static (string Uid, string Gid) Credentials(int pid)
    {
        string[] lines = File.ReadAllLines($"/proc/{pid}/status");
        string Field(string key) => lines.First(l => l.StartsWith(key, StringComparison.Ordinal)).Split('\t')[1];
        return (Field("Uid:"), Field("Gid:"));
    }

    /// <summary>The environment the container's process was started with.</summary>
    private static List<string> ContainerEnvironment(int pid) =>
        [.. File.ReadAllText($"/proc/{pid}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries)];
}
