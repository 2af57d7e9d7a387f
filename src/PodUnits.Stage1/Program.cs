using PodUnits.Core.Errors;
using PodUnits.Runtime.Container;
using PodUnits.Runtime.Executor;
using PodUnits.Runtime.Init;

// podunits-stage1 VERB ...: internal, started only by PodUnits itself (docs/process-model.md).
//   run PLAN                  the executor, exec'd by `podunits run` once the pod is planned
//   pod-init PLAN             PID 1 of the pod, spawned by the executor
//   container-start PLAN C    one container's last step before its exec, spawned by the pod init
// Errors follow the CLI's rule: one line on stderr, the documented exit code, a stack trace
// only with PODUNITS_VERBOSE=1 (`podunits --verbose run` sets it before the exec).
bool verbose = Environment.GetEnvironmentVariable("PODUNITS_VERBOSE") == "1";
try
{
    return args switch
    {
        ["run", string plan] => await PodExecutor.RunPlanAsync(plan),
        ["pod-init", string plan] => PodInit.Run(plan),
        ["container-start", string plan, string container] => ContainerStart.Run(plan, container),
        _ => Usage(),
    };
}
catch (PodUnitsException e)
{
    Console.Error.WriteLine($"podunits: {e.Message}");
    if (verbose)
    {
        Console.Error.WriteLine(e);
    }
    return e.ExitCode;
}
#pragma warning disable CA1031 // the process boundary: anything unexpected becomes one line, not a crash
catch (Exception e)
#pragma warning restore CA1031
{
    Console.Error.WriteLine($"podunits: internal error: {e.Message.Split('\n')[0]}{(verbose ? "" : " (set PODUNITS_VERBOSE=1 for details)")}");
    if (verbose)
    {
        Console.Error.WriteLine(e);
    }
    return ExitCodes.RuntimeFailure;
}

static int Usage()
{
    Console.Error.WriteLine("podunits-stage1: internal to PodUnits, started by 'podunits run'; see podunits(1)");
    return ExitCodes.BadInput;
}
