using PodUnits.Runtime.Plan;

namespace PodUnits.Runtime.Health;

public enum ProbeKind
{
    Startup,
    Liveness,
    Readiness,
}

/// <summary>
/// One probe of one run of a container, with the kubelet's result rule: the result changes
/// only after successThreshold consecutive successes or failureThreshold consecutive
/// failures. It starts as the kubelet's does: a readiness probe "failed" (not ready until it
/// passes), a liveness probe "passed", a startup probe unknown. A startup probe is done once
/// it has passed; a liveness or startup probe whose result turns to failed is done too (its
/// container is killed; the next run gets new workers).
/// Touched only under the <see cref="Prober"/>'s lock.
/// </summary>
public sealed class ProbeWorker(string container, int run, ProbeKind kind, ProbePlan plan)
{
    private int _successes;
    private int _failures;

    public string Container { get; } = container;
    /// <summary>Which start of the container this worker probes (0 = the first).</summary>
    public int Run { get; } = run;
    public ProbeKind Kind { get; } = kind;
    public ProbePlan Plan { get; } = plan;

    /// <summary>The probe's current result; null while a startup probe has not decided.</summary>
    public bool? Result { get; private set; } = kind switch
    {
        ProbeKind.Readiness => false,
        ProbeKind.Liveness => true,
        _ => null,
    };

    /// <summary>Consecutive failures so far (0 after a success).</summary>
    public int ConsecutiveFailures => _failures;

    /// <summary>No more probing: the container's run ended, the pod stops, or the probe has
    /// decided what it exists to decide.</summary>
    public bool Done { get; private set; }

    public void Cancel() => Done = true;

    /// <summary>Records one outcome; true when it changed <see cref="Result"/>.</summary>
    public bool Record(bool success)
    {
        if (success)
        {
            _failures = 0;
            _successes++;
        }
        else
        {
            _successes = 0;
            _failures++;
        }
        bool changed = success
            ? Result != true && _successes >= Plan.SuccessThreshold
            : Result != false && _failures >= Plan.FailureThreshold;
        if (changed)
        {
            Result = success;
            Done |= Kind == ProbeKind.Startup || (Kind == ProbeKind.Liveness && !success);
        }
        return changed;
    }

    /// <summary>Records one outcome and says what it left: the result and the count of
    /// failures as they were then, for whoever hears of it later (the executor's loop reads
    /// its events after the next run of the same probe may have recorded its own).</summary>
    public ProbeRecorded RecordOutcome(bool success)
    {
        bool changed = Record(success);
        return new ProbeRecorded(changed, Result, _failures);
    }

    public override string ToString() => $"{Kind.ToString().ToLowerInvariant()} probe of {Container}";
}

/// <summary>What one outcome did to its probe (<see cref="ProbeWorker.RecordOutcome"/>):
/// whether it turned the result, the result and the consecutive failures right after it.</summary>
public readonly record struct ProbeRecorded(bool Changed, bool? Result, int ConsecutiveFailures);
