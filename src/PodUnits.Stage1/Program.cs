using PodUnits.Core.Errors;
using PodUnits.Runtime.Container;
using PodUnits.Runtime.Executor;
using PodUnits.Runtime.Init;
using PodUnits.Runtime.Logging;
using PodUnits.Systemd.Notify;

// podunits-stage1 VERB ...: internal, started only by PodUnits itself (docs/process-model.md).
//   run PLAN CLAIM-FD         the executor, exec'd by `podunits run` once the pod is planned
//                             (CLAIM-FD: the inherited lock on the pod's name)
//   pod-init PLAN             PID 1 of the pod, spawned by the executor
//   container-start PLAN C    one container's last step before its exec, spawned by the pod init
//   container-exec PLAN C FLAGS [--env K=V]... -- ARGV...
//                             a process entering a running container (`podunits enter`,
//                             exec probes), spawned by Exec/ExecLauncher.cs
//   version                   prints "build ID", the identity `podunits version` prints too
// `run` and `container-exec` refuse a starter of another build, status 1 (Stage1.EnsureSameBuild);
// a refused `run` releases what stage 0 took for the pod first (RefusedHandOff).
// Errors follow the CLI's rule: one line on stderr, the documented exit code, a stack trace
// only with PODUNITS_VERBOSE=1 (`podunits --verbose run` sets it before the exec).
bool verbose = Verbosity.IsOn;
Stage1.RestoreName();
if (Stage1.HoldsValues(args))
{
    // A crash must not write a pod's values to disk as a core dump (systemd-coredump).
    _ = PodUnits.Core.Native.LibcExtra.prctl(PodUnits.Core.Native.LibcExtra.PR_SET_DUMPABLE, 0, 0, 0, 0);
}
try
{
    Stage1.EnsureSameBuildOrRelease(args, Environment.GetEnvironmentVariable(PodUnits.Core.Identity.BuildIdentity.Variable));
    return args switch
    {
        ["version"] => PrintBuild(),
        ["run", string plan, string claimFd] when int.TryParse(claimFd, out int fd) => await PodExecutor.RunPlanAsync(plan, fd),
        ["run", string plan, string claimFd, string attachFd] when int.TryParse(claimFd, out int fd) && int.TryParse(attachFd, out int attach)
            => await PodExecutor.RunPlanAsync(plan, fd, attach),
        ["pod-init", string plan] => PodInit.Run(plan),
        ["container-start", string plan, string container] => ContainerStart.Run(plan, container),
        ["container-exec", string plan, string container, string flags, .. string[] rest] => ContainerExecArguments(plan, container, flags, rest),
        _ => Usage(),
    };
}
catch (PodUnitsException e)
{
    StageLog.Error(verbose ? $"podunits: {e.Message}\n{e}" : $"podunits: {e.Message}");
    FinalStatus(e.Message);
    return e.ExitCode;
}
#pragma warning disable CA1031 // the process boundary: anything unexpected becomes one line, not a crash
catch (Exception e)
#pragma warning restore CA1031
{
    string line = $"podunits: internal error: {e.Message.Split('\n')[0]}";
    StageLog.Error(verbose ? $"{line}\n{e}" : $"{line} (set {Verbosity.Variable}=1 for details)");
    FinalStatus(line["podunits: ".Length..]);
    return ExitCodes.RuntimeFailure;
}

// The executor of pod@NAME.service: the unit's status line says why it failed, not its last
// step. Only the executor: the pod's other processes may hold a notify socket of the pod's.
void FinalStatus(string message)
{
    if (args is ["run", ..])
    {
        SdNotify.Default.TryFinalFailure(message);
        PodUnits.Runtime.State.FailedStarts.RecordFailure(message);
    }
}

static int ContainerExecArguments(string plan, string container, string flags, string[] rest)
{
    var env = new List<string>();
    int i = 0;
    for (; i + 1 < rest.Length && rest[i] == "--env"; i += 2)
    {
        env.Add(rest[i + 1]);
    }
    return i < rest.Length && rest[i] == "--" && i + 1 < rest.Length
        ? ContainerExec.Run(plan, container, flags, rest[(i + 1)..], env)
        : Usage();
}

static int PrintBuild()
{
    Console.WriteLine($"build {PodUnits.Core.Identity.BuildIdentity.Id}");
    return ExitCodes.Ok;
}

static int Usage()
{
    StageLog.Error("podunits-stage1: internal to PodUnits, started by 'podunits run'; see podunits(1)");
    return ExitCodes.BadInput;
}
