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

    /// <summary>Where the steps so far travel across container-start's re-exec into a user
    /// namespace (Container/UserNamespaceEntry.cs) and into native code (ExecSpec.cs):
    /// "LAST TOTAL STEPS", LAST a CLOCK_MONOTONIC time and TOTAL a duration, in nanoseconds.</summary>
    public const string CarriedVariable = "PODUNITS_SETUP_STEPS";

    /// <summary>Starts timing when PODUNITS_VERBOSE=1 is in the environment; after a re-exec,
    /// goes on from the steps the first process carried over, the re-exec itself the next
    /// step (Stopwatch's clock is CLOCK_MONOTONIC, the same in every process).</summary>
    public static void StartIfVerbose()
    {
        if (!Core.Errors.Verbosity.IsOn)
        {
            return;
        }
        _steps = new StringBuilder();
        _last = Stopwatch.GetTimestamp();
        string[]? carried = Environment.GetEnvironmentVariable(CarriedVariable)?.Split(' ', 3);
        if (carried is [string last, string total, string steps] &&
            long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out long l) &&
            long.TryParse(total, NumberStyles.None, CultureInfo.InvariantCulture, out long t))
        {
            (_last, _total) = (l, TimeSpan.FromTicks(t / NanosecondsPerTick));
            _steps.Append(steps);
            Done("re-exec into the user namespace");
        }
    }

    private const long NanosecondsPerTick = 100;

    /// <summary>The steps so far, to carry over an exec or into native code, or null when not
    /// timing. Stopwatch's timestamps are CLOCK_MONOTONIC nanoseconds on Linux.</summary>
    public static string? Carried() => _steps is null ? null
        : string.Create(CultureInfo.InvariantCulture, $"{_last} {_total.Ticks * NanosecondsPerTick} {_steps}");

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

    private static string Milliseconds(TimeSpan t) => t.TotalMilliseconds.ToString("0.000", CultureInfo.InvariantCulture);
}
