using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace PodUnits.Runtime.Container;

/// <summary>
/// How long each step of a container's set-up took (container-start, from reading the plan to
/// execve, less the wait while the executor creates the scope), said in one line on the
/// container's stderr, which the journal keeps, when the pod runs with PODUNITS_VERBOSE=1 (a
/// drop-in `Environment=PODUNITS_VERBOSE=1` for pod@NAME.service, or `podunits --verbose
/// run`). It is how the cost of confinement is
/// measured inside the process (bench/sections/confinement.sh) rather than guessed from
/// start-to-READY times, whose run-to-run noise is larger than the few milliseconds in
/// question. Off, it costs one null check per step. One process, one thread: static is enough.
/// </summary>
internal static class SetupSteps
{
    private static long _last;
    private static TimeSpan _total;
    private static StringBuilder? _steps;

    /// <summary>Starts timing when PODUNITS_VERBOSE=1 is in the environment.</summary>
    public static void StartIfVerbose()
    {
        if (Core.Errors.Verbosity.IsOn)
        {
            _steps = new StringBuilder();
            _last = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>Ends the step called <paramref name="name"/> here.</summary>
    public static void Done(string name)
    {
        if (_steps is null)
        {
            return;
        }
        long now = Stopwatch.GetTimestamp();
        TimeSpan step = Stopwatch.GetElapsedTime(_last, now);
        _total += step;
        _steps.Append(CultureInfo.InvariantCulture, $"{(_steps.Length == 0 ? "" : ", ")}{name} {Milliseconds(step)}");
        _last = now;
    }

    /// <summary>Ends a wait that is not set-up work (the executor creating the scope, timed
    /// by the executor itself): not counted.</summary>
    public static void Waited()
    {
        if (_steps is not null)
        {
            _last = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>"container C: set up in T ms (step t, step t, ...)", T the sum of the steps,
    /// or null when not timing.</summary>
    public static string? Summary(string container) =>
        _steps is null ? null : $"podunits: container {container}: set up in {Milliseconds(_total)} ms ({_steps})";

    private static string Milliseconds(TimeSpan t) => t.TotalMilliseconds.ToString("0.000", CultureInfo.InvariantCulture);
}
