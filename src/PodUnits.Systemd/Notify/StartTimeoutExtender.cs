using PodUnits.Core.Errors;

namespace PodUnits.Systemd.Notify;

/// <summary>
/// Keeps a Type=notify service's start timeout (TimeoutStartSec=, 90 s by default) from
/// killing it while a long start-up step still makes progress: on progress it sends
/// <c>EXTEND_TIMEOUT_USEC=</c> (systemd 236+; sd_notify(3), systemd.service(5)), at most once
/// every <see cref="DefaultInterval"/>, each asking for <see cref="DefaultExtension"/> more.
/// systemd lets the start run past TimeoutStartSec= only as long as each extension arrives
/// before the previous one ran out, so a step that stops making progress (a stalled
/// download) still times out, 30 s after its last progress at the latest. Without
/// $NOTIFY_SOCKET (not under systemd) it does nothing.
/// </summary>
public sealed class StartTimeoutExtender
{
    /// <summary>At most one datagram per 5 s: progress comes per 256 KiB downloaded.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(5);

    /// <summary>30 s: six times the interval, longer than a blob retry's backoff (up to 2 s)
    /// plus a slow registry's answer.</summary>
    public static readonly TimeSpan DefaultExtension = TimeSpan.FromSeconds(30);

    private readonly SdNotify _notify;
    private readonly TimeoutExtensionPacer _pacer;
    private readonly Func<TimeSpan> _clock;

    public StartTimeoutExtender(SdNotify notify)
        : this(notify, new TimeoutExtensionPacer(DefaultInterval, DefaultExtension), () => TimeSpan.FromMilliseconds(Environment.TickCount64)) { }

    /// <summary>For tests: a pacer and a clock of their own.</summary>
    internal StartTimeoutExtender(SdNotify notify, TimeoutExtensionPacer pacer, Func<TimeSpan> clock)
    {
        ArgumentNullException.ThrowIfNull(notify);
        _notify = notify;
        _pacer = pacer;
        _clock = clock;
    }

    /// <summary>Whether an extension was sent: the step ran past what its progress allows
    /// without one, and what comes after it gets the start's budget anew (StartBudget).</summary>
    public bool Extended { get; private set; }

    /// <summary>The step made progress; extends the start timeout when one is due.</summary>
    public void Progressed()
    {
        if (!_notify.IsAvailable || !_pacer.OnProgress(_clock())) return;
        try
        {
            _notify.ExtendTimeout((ulong)(_pacer.Extension.Ticks / TimeSpan.TicksPerMicrosecond));
            Extended = true;
        }
        catch (PodUnitsException)
        {
            // Not fatal: the pull goes on, and the configured TimeoutStartSec= applies.
        }
    }
}
