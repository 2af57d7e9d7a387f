namespace PodUnits.Runtime.Init;

/// <summary>
/// The kubelet's crash-loop back-off for one container (its backOff with 10 s initial and
/// 5 min maximum delay): the first restart is immediate; each later one waits twice as long
/// as the one before, measured from the exit, up to 5 minutes; a container that ran for more
/// than 10 minutes since its last restart starts over (the kubelet expires an entry after
/// twice the maximum). So a container that crashes at once restarts after 0, 10, 20, 40, 80,
/// 160, 300, 300... seconds.
/// </summary>
public sealed class RestartBackOff
{
    public static readonly TimeSpan Initial = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan Max = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan ResetAfter = 2 * Max;

    private TimeSpan _next = TimeSpan.Zero;

    /// <summary>How long to wait before restarting a container that (re)started at
    /// <paramref name="started"/> and exited at <paramref name="exited"/>; advances the back-off.</summary>
    public TimeSpan DelayAfter(DateTime started, DateTime exited) => DelayAfter(exited - started);

    /// <summary>As <see cref="DelayAfter(DateTime, DateTime)"/>, for a run that lasted
    /// <paramref name="ran"/> (measured on a monotonic clock: a clock step at boot, NTP
    /// setting the time after the pods started, must not pass for ten minutes of running).</summary>
    public TimeSpan DelayAfter(TimeSpan ran)
    {
        if (_next == TimeSpan.Zero || ran > ResetAfter)
        {
            _next = Initial;
            return TimeSpan.Zero;
        }
        TimeSpan delay = _next;
        _next = _next * 2 < Max ? _next * 2 : Max;
        return delay;
    }

    /// <summary>The <paramref name="n"/>-th wait of the sequence (1: 10 s, 2: 20 s, ... up to
    /// 5 minutes), for back-offs that count rather than time their failures.</summary>
    public static TimeSpan Step(int n)
    {
        TimeSpan delay = Initial;
        for (int i = 1; i < n && delay < Max; i++)
        {
            delay *= 2;
        }
        return delay < Max ? delay : Max;
    }

    /// <summary>Kubernetes' rule: whether a container that ended with <paramref name="code"/>
    /// starts again. A container killed for a failed liveness or startup probe restarts
    /// under OnFailure whatever its status.</summary>
    public static bool ShouldRestart(Plan.ContainerRestart policy, int code, bool killedByProbe) => policy switch
    {
        Plan.ContainerRestart.Always => true,
        Plan.ContainerRestart.OnFailure => code != 0 || killedByProbe,
        _ => false,
    };
}
