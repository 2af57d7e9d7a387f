using PodUnits.Cli;
using PodUnits.Cli.Commands;

// A thin main (Quadlet's lesson): the binary is the CLI, and under the name
// "podunits-generator" (the link in system-generators/) it is the systemd generator.
// Stage 0 (`podunits run`), reload, enter and `secret list` hold decrypted Secrets, stage 0
// for as long as a pull or a `run -it` session lasts: a crash must not write them to disk as
// a core dump, nor may another process of the caller's user read its memory. An exec resets
// it (stage 1 sets it again).
_ = PodUnits.Core.Native.LibcExtra.prctl(PodUnits.Core.Native.LibcExtra.PR_SET_DUMPABLE, 0, 0, 0, 0);
// umask 0022, as under pod@.service (systemd's UMask= default) and as runc's daemon has it,
// whoever runs the command: `podunits run -i` from a hardened root shell (umask 027 or 077)
// made the container's writable layer (its `/`), its /etc files, working directory and
// mount points 0750 or 0700, which a non-root container cannot use. Every later process of
// the pod (executor, pod init, container-start) inherits it; become.c sets it again for
// `enter` (review of the merged confinement change, 2026-12-07, finding 1).
_ = PodUnits.Core.Native.LibcExtra.umask(0x12); // 022
PlainConsole.Install();
if (Path.GetFileName(Environment.GetCommandLineArgs()[0]) == "podunits-generator")
{
    return GenerateCommand.RunAsGenerator(args);
}
return await CliApp.RunAsync(args);
