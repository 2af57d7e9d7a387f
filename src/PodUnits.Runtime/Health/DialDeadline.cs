using System.Diagnostics;

namespace PodUnits.Runtime.Health;

/// <summary>
/// How long each of a host name's addresses may take to connect, as Go's dialer shares a
/// deadline among them (net.partialDeadline): what is left, divided by the addresses left,
/// at least 2 s unless less than that is left. An address that drops packets (an AAAA whose
/// path is filtered) then costs its share, not the whole probe: the next address is tried.
/// </summary>
internal static class DialDeadline
{
    private static readonly TimeSpan SaneMinimum = TimeSpan.FromSeconds(2);

    /// <param name="timeout">The whole probe's (infinite: no share either).</param>
    /// <param name="started">When it began (Stopwatch.GetTimestamp).</param>
    /// <param name="addressesLeft">This address and those after it.</param>
    public static TimeSpan Share(TimeSpan timeout, long started, int addressesLeft)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            return Timeout.InfiniteTimeSpan;
        }
        TimeSpan left = timeout - Stopwatch.GetElapsedTime(started);
        if (left <= TimeSpan.Zero)
        {
            return TimeSpan.FromMilliseconds(1); // ends at once, as a timeout
        }
        TimeSpan share = left / Math.Max(1, addressesLeft);
        return share >= SaneMinimum ? share : left < SaneMinimum ? left : SaneMinimum;
    }
}
