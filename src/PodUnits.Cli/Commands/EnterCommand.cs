using System.CommandLine;
using System.Runtime.InteropServices;
using PodUnits.Cli.Inspection;
using PodUnits.Core.Errors;
using PodUnits.Core.Linux;
using PodUnits.Core.Naming;
using PodUnits.Core.Native;
using PodUnits.Logging;
using PodUnits.Runtime.Exec;
using PodUnits.Runtime.Executor;
using PodUnits.Runtime.Plan;
using PodUnits.Runtime.State;
using PodUnits.Systemd.Units;

namespace PodUnits.Cli.Commands;

/// <summary>
/// <c>podunits enter NAME [--container C] [-t|-T] [--privileged] [-- CMD...]</c>: runs a
/// command (a shell by default) in a running container, confined exactly as the container's
/// own process (<see cref="ExecLauncher"/>): its namespaces and root, its scope, its user,
/// groups, capabilities, no_new_privs and seccomp filter, and the environment from the pod's
/// plan. With a terminal it gets a pseudo-terminal of the container's own; the exit status is
/// the command's.
/// </summary>
internal static class EnterCommand
{
    public static Command Create()
    {
        var name = PodArgument.Create();
        var container = new Option<string?>("--container", "-c")
        {
            Description = "The container to enter (default: the pod's first container).",
        };
        var tty = new Option<bool>("--tty", "-t")
        {
            Description = "Give the command a pseudo-terminal (the default when stdin is a terminal).",
        };
        var interactive = new Option<bool>("--interactive", "-i")
        {
            Description = "Keep stdin open: a terminal reaches the command through its pseudo-terminal, or with -T through a pipe "
                + "(without -i, -T gives it /dev/null, as podman exec). A pipe or file as stdin is always the command's (a file's bytes through a pipe).",
        };
        var noTty = new Option<bool>("--no-tty", "-T")
        {
            Description = "No pseudo-terminal, even when stdin is a terminal (for scripts: output is not rewritten by a terminal).",
        };
        var privileged = new Option<bool>("--privileged")
        {
            Description = "Run as root with every capability and no seccomp filter, for administrators (still the container's namespaces, root, scope and environment).",
        };
        var commandLine = UsageErrors.TakesAnyWords(new Argument<string[]>("CMD")
        {
            Description = "The command and its arguments (default /bin/sh). Put -- before it.",
            Arity = ArgumentArity.ZeroOrMore,
        });
        var command = new Command("enter", """
            Run a command inside a running container, a shell by default (like podman exec or
            machinectl shell). It runs as the container's own process does: its root and
            namespaces, its systemd scope (limits, device policy), its user and groups, its
            capabilities, no_new_privs and seccomp filter, and the environment of the pod's plan.
            On a terminal it gets a pseudo-terminal of the container's own.
              podunits enter web
              podunits enter -it web -- bash
              podunits enter web -c db -- psql -U postgres
              podunits enter web -T -- cat /etc/resolv.conf > resolv.conf
              podunits enter web --privileged -- cat /proc/self/status
            """) { name, container, interactive, tty, noTty, privileged, commandLine };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            string pod = PodArgument.Validated(parsed, name);
            string? wanted = parsed.GetValue(container);
            if (wanted is not null && ResourceNames.Explain(wanted) is { } why)
            {
                throw new BadInputException($"container name \"{wanted}\"", why);
            }
            if (parsed.GetValue(tty) && parsed.GetValue(noTty))
            {
                throw new BadInputException("enter", "--tty and --no-tty exclude each other");
            }
            PodArgument.RequireKnown(pod);
            try
            {
                await using SystemdManager systemd = await SystemdManager.ConnectAsync(cancellationToken);
                PodReport report = await new PodInspector(systemd).InspectAsync(pod);
                if (report.Containers.Count == 0)
                {
                    // Neither a running plan nor a valid definition names its containers: a
                    // stopped pod whose file is broken (tour G: "has no container (it has: )").
                    throw new PodUnitsException($"pod {pod}", $"is not running ({report.Unit} is {report.State})"
                        + (report.DefinitionError is { } invalid ? $", and its definition is not valid: {invalid}" : ""), ExitCodes.ContainerSetupFailed);
                }
                ContainerReport target = wanted is null
                    ? report.Containers.FirstOrDefault(c => !c.Init)
                        ?? throw new BadInputException($"pod {pod}", "has no definition with containers (name one with --container)")
                    : report.Containers.FirstOrDefault(c => c.Name == wanted)
                        ?? throw new BadInputException($"pod {pod}", $"has no container \"{wanted}\" (it has: {string.Join(", ", report.Containers.Select(c => c.Name))})");
                int pid = target.Pid ?? throw new PodUnitsException($"pod {pod}: container {target.Name}", $"is not running ({target.Scope} is {target.State})",
                    ExitCodes.ContainerSetupFailed);
                bool withTty = parsed.GetValue(tty) || (!parsed.GetValue(noTty) && LibcExtra.isatty(0) == 1);
                bool asRoot = parsed.GetValue(privileged);
                if (asRoot)
                {
                    PodLog.Warning($"enter --privileged: the command runs as root with every capability and no seccomp filter in {pod}/{target.Name}", new(Pod: pod, Container: target.Name));
                }
                return await EnterAsync(systemd, pod, target.Name, pid, parsed.GetValue(commandLine) is { Length: > 0 } given ? given : ["/bin/sh"],
                    withTty, parsed.GetValue(interactive), asRoot);
            }
            catch (PodUnitsException e) when (e.ExitCode == ExitCodes.RuntimeFailure)
            {
                // PodUnits' own failure to run the command there (systemd unreachable, the pod
                // not inspectable, the exec not set up), told from the command's own status 1
                // (`enter web -- grep -q ready f`), as podman exec says 125.
                throw new PodUnitsException(e.What, e.Why, ExitCodes.ContainerSetupFailed, e);
            }
        });
        return command;
    }

    private static async Task<int> EnterAsync(SystemdManager systemd, string pod, string containerName, int pid, string[] argv, bool tty, bool interactive, bool privileged)
    {
        // The pod's own copy of its plan (the host's copy holds no values: State/PlanHandoff.cs).
        int podInit = PodState.Pids(pod) is (_, int init) && init > 0 ? init : throw new PodUnitsException($"pod {pod}", "is not running");
        string planPath = PlanHandoff.RunningPlanPath(podInit);
        PodPlan plan;
        ulong podBoundingSet; // pod init runs with the bounding set of the pod's service
        try
        {
            plan = PodPlan.Read(planPath);
            podBoundingSet = LinuxCapabilities.BoundingSet($"/proc/{podInit}/status");
        }
        catch (UnauthorizedAccessException)
        {
            throw new PodUnitsException($"pod {pod}", "its plan is readable by root only: run podunits enter as root");
        }
        catch (IOException e)
        {
            throw new PodUnitsException($"pod {pod}", $"cannot read its plan: {e.Message}");
        }
        ContainerPlan c = plan.Containers.FirstOrDefault(x => x.Name == containerName)
            ?? throw new PodUnitsException($"pod {pod}", $"its plan has no container {containerName}");
        List<string> extraEnv = tty && Environment.GetEnvironmentVariable("TERM") is { Length: > 0 } term ? [$"TERM={term}"] : [];
        using PipedStdio? stdio = tty ? null : TerminalRelay.StdioFor(interactive);
        int devNull = tty ? Check.Io(LibcExtra.open("/dev/null", LibcExtra.O_RDWR | LibcExtra.O_CLOEXEC, 0), "open", "/dev/null") : -1;
        ExecProcess process;
        try
        {
            process = await ExecLauncher.StartAsync(new ExecRequest
            {
                Pod = plan, Container = c, ContainerPid = pid, Argv = argv, ExtraEnv = extraEnv,
                Tty = tty, Privileged = privileged, BoundingSet = podBoundingSet, Stage1Path = Stage1.ReadOnlyView(Stage1.Locate()),
                Stdio = stdio is null ? (devNull, devNull, devNull) : (stdio.Stdin, stdio.Stdout, stdio.Stderr),
            }, systemd);
        }
        finally
        {
            if (devNull >= 0)
            {
                LibcExtra.close(devNull);
            }
            stdio?.Started();
        }
        using (process)
        {
            // Waited for on a thread of its own: this continuation is a thread-pool worker,
            // and .NET runs SIGHUP's and SIGWINCH's handlers and the hang-up's timer on the
            // pool; blocked in waitpid for the command's whole life, it would leave them to
            // the pool's injection of new workers.
            return await Task.Factory.StartNew(() => Relay(process), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)
                .ConfigureAwait(false);
        }
    }

    /// <summary>Passes the caller's terminal or signals on to the command until it ends; its status.</summary>
    private static int Relay(ExecProcess process)
    {
        if (process.PtyMaster is int master)
        {
            return TerminalRelay.RunWithPty(process, master);
        }
        using IDisposable forward = process.ForwardSignals(PosixSignal.SIGINT, PosixSignal.SIGQUIT, PosixSignal.SIGTERM, PosixSignal.SIGHUP);
        return process.WaitForExit();
    }
}
