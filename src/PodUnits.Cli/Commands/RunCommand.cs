using System.CommandLine;
using PodUnits.Core.Errors;
using PodUnits.Planning;
using PodUnits.Planning.AdHoc;

namespace PodUnits.Cli.Commands;

/// <summary><c>podunits run NAME|FILE</c>: runs a pod in the foreground until it ends. This is
/// what pod@NAME.service starts (ExecStart); it also works from a terminal.
/// <c>podunits run -i [-t] [OPTIONS] IMAGE [-- CMD ARGS...]</c>: an ad-hoc one-container pod
/// attached to the caller (docs/process-model.md, "Ad-hoc pods").</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var pod = new Argument<string>("pod") { Description = "Pod name (definition in /etc/podunits/pods, ...), a definition file, or with -i an image." };
        var rest = UsageErrors.TakesAnyWords(new Argument<string[]>("command") { Description = "With -i: the command and its arguments (after --); they replace the image's CMD, its ENTRYPOINT stays (podman run's meaning).", Arity = ArgumentArity.ZeroOrMore });
        var entrypoint = new Option<string?>("--entrypoint") { Description = "With -i: replace the image's ENTRYPOINT (and CMD): a program, or a JSON array [\"PROGRAM\", \"ARG\", ...]; \"\" for none." };
        var interactive = new Option<bool>("--interactive", "-i") { Description = "Run IMAGE as an ad-hoc pod with this process's stdin; its stdout and stderr come here as they are written, and go to the journal too." };
        var tty = new Option<bool>("--tty", "-t") { Description = "With -i: give the container a pseudo-terminal of its own (job control, line editing, window size; TERM=xterm unless the image or -e sets it) relayed to this terminal." };
        var name = new Option<string?>("--name") { Description = "With -i: the pod's name (and machine name); default pod-XXXXXXXX." };
        var hostname = new Option<string?>("--hostname") { Description = "With -i: the pod's hostname; default its name." };
        var env = new Option<string[]>("--env", "-e") { Description = "With -i: set NAME=VALUE in the container, or NAME to this process's value (skipped when unset; repeatable).", AllowMultipleArgumentsPerToken = false };
        var workdir = new Option<string?>("--workdir", "-w") { Description = "With -i: the command's working directory (absolute)." };
        var user = new Option<string?>("--user", "-u") { Description = "With -i: run as USER[:GROUP], numbers or names from the image's /etc/passwd and /etc/group." };
        var pull = new Option<string>("--pull") { Description = "With -i: always, missing (fetch only when the store lacks it) or never.", DefaultValueFactory = _ => "missing" };
        var memory = new Option<string?>("--memory", "-m") { Description = "With -i: memory limit, a Kubernetes quantity (256Mi, 1G; at least 6Mi, as podman)." };
        var cpus = new Option<string?>("--cpus") { Description = "With -i: CPU limit, a Kubernetes quantity (1.5, 500m)." };
        var keep = new Option<bool>("--keep") { Description = "With -i: keep the pod's state (writable layer, volumes, its definition for export, without --env values) after it ends; by default it is removed, as with podman run --rm." };
        var volumes = new Option<string[]>("--volume") { Description = "With -i: mount HOST-PATH at CONTAINER-PATH[:ro] (a hostPath volume; repeatable).", AllowMultipleArgumentsPerToken = false };
        var dns = new Option<string[]>("--dns") { Description = "With -i: a nameserver IP for the container's resolv.conf (repeatable, up to 3); 'none': the image's own resolv.conf; 'host' (the default): the host's resolvers.", AllowMultipleArgumentsPerToken = false };
        var envFile = new Option<string[]>("--env-file") { Description = "With -i: read NAME=VALUE lines from FILE (# comments; a bare NAME takes this process's value); before --env.", AllowMultipleArgumentsPerToken = false };
        var net = new Option<string?>("--net")
        {
            Description = "With -i: \"host\" for the host's network, or the name of a CNI network (default: podunits).",
        };
        var ports = new Option<string[]>("--port", "-p")
        {
            Description = "With -i: publish a port, [HOSTIP:]HOSTPORT:CONTAINERPORT[/tcp|udp|sctp] (repeatable).",
            AllowMultipleArgumentsPerToken = false,
        };
        var detachKeys = AttachCommand.DetachKeysOption();
        detachKeys.Description = "With -it: " + detachKeys.Description;
        Option[] adHocOnly = [tty, detachKeys, entrypoint, keep, name, hostname, env, envFile, workdir, user, memory, cpus, volumes, dns, net, ports];
        var command = new Command("run", """
            Run a pod in the foreground (what pod@NAME.service runs), or with -i an image as an
            ad-hoc pod: registered with machined, logged to the journal, removed when it ends.
            The exit status is the command's (126 not executable, 127 not found, 128+N killed
            by signal N); PodUnits' own: 2 bad input, 125 the container could not be set up,
            1 anything else.
              podunits run web
              podunits run -it debian -- bash
              podunits run -i busybox -- sh -c 'echo hello' < /dev/null
              podunits run -i --keep --name try busybox -- sh -c 'echo x > /f'; podunits export try
              podunits run -it --name try -e GREETING=hi -p 8080:80 docker://nginx
              podunits run -i --entrypoint /bin/sh docker://postgres -- -c 'id'
            The words after -- replace the image's CMD and keep its ENTRYPOINT (podman run,
            kubectl run); --entrypoint replaces the ENTRYPOINT.
            Image references: docker://REF or REF (a registry), dir:/PATH (a root directory),
            oci-archive:PATH[:REF] and docker-archive:PATH[:REF] (imported into the store first).
            With -it, Ctrl-P Ctrl-Q (--detach-keys) leaves the pod running and returns to the
            shell; 'podunits attach NAME' returns to it. While it runs, 'podunits export NAME'
            prints it as a definition to install.
            """)
        {
            pod, rest, interactive, tty, detachKeys, entrypoint, keep, name, hostname, env, envFile, workdir, user, pull, memory, cpus, volumes, dns, net, ports,
        };
        command.SetAction((parse, _) =>
        {
            string target = parse.GetValue(pod)!;
            string[] argv = parse.GetValue(rest) ?? [];
            if (parse.GetValue(GlobalOptions.Verbose))
            {
                // The pod runs in podunits-stage1 (exec'd): it reports errors the same way.
                Environment.SetEnvironmentVariable(Verbosity.Variable, "1");
            }
            if (!parse.GetValue(interactive))
            {
                if (argv.Length > 0 || adHocOnly.Any(o => parse.GetResult(o) is { Implicit: false }) || parse.GetResult(pull) is { Implicit: false })
                {
                    throw new BadInputException("run", "a command and the options of an ad-hoc pod are only allowed with -i (-it for a terminal)");
                }
                return Stage0.RunAsync(target);
            }
            return Stage0.RunAdHocAsync(new AdHocOptions
            {
                Image = target,
                Command = argv,
                Entrypoint = parse.GetValue(entrypoint) is { } words ? AdHocOptions.ParseEntrypoint(words) : null,
                Network = InteractiveNetwork.Parse(parse.GetValue(net), parse.GetValue(ports) ?? []),
                Terminal = parse.GetValue(tty),
                DetachKeys = parse.GetValue(detachKeys)!,
                Keep = parse.GetValue(keep),
                Name = parse.GetValue(name),
                Hostname = parse.GetValue(hostname),
                Env = [.. (parse.GetValue(envFile) ?? []).SelectMany(EnvFile.Read), .. EnvOption.Resolve(parse.GetValue(env) ?? [], Environment.GetEnvironmentVariable)],
                Volumes = parse.GetValue(volumes) ?? [],
                Dns = parse.GetValue(dns) ?? [],
                WorkingDir = parse.GetValue(workdir),
                User = parse.GetValue(user),
                Pull = parse.GetValue(pull)!,
                Memory = parse.GetValue(memory),
                Cpus = parse.GetValue(cpus),
            });
        });
        return command;
    }
}
