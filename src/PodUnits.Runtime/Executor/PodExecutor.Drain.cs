using PodUnits.Runtime.Logging;

namespace PodUnits.Runtime.Executor;

// The end of a pod's output (interactive review of 2026-12-07, finding 1).
public sealed partial class PodExecutor
{
    /// <summary>
    /// Waits for every stream's forwarder to pass its output on, and says what could not be.
    /// The journals get <see cref="DrainTime"/>, inside the stop's margin. A `run -i` caller
    /// that reads slowly (`| less`, a terminal stopped by Ctrl-S, `| pv -L 10k`) is waited for
    /// without a limit when the pod ended by itself, as podman and docker run wait for their
    /// attach streams: the 6 s then cut up to 128 KiB of the end for the caller and, as the
    /// caller came first, for the journal too, and blamed the journal. Under a stop by a
    /// signal or of its scope (systemd's margin applies), the caller gets half the time and is
    /// then given up, so that the journal still gets the rest within the other half.
    /// </summary>
    /// <param name="left">What is left of the journals' time, for the lifecycle messages.</param>
    /// <returns>What to log: nothing when all went.</returns>
    private List<string> DrainOutput(out TimeSpan left)
    {
        long deadline = Environment.TickCount64 + (long)DrainTime.TotalMilliseconds;
        TimeSpan Left() => TimeSpan.FromMilliseconds(Math.Max(0, deadline - Environment.TickCount64));
        TimeSpan slice = TimeSpan.FromMilliseconds(100);
        List<string> late = [], unread = [];
        foreach (LogForwarder f in _forwarders)
        {
            while (!f.Join(slice < Left() ? slice : Left()))
            {
                if (!f.WaitingForCaller)
                {
                    if (Left() == TimeSpan.Zero)
                    {
                        late.Add(f.Name);
                        break;
                    }
                }
                else if (!Stopping && !Volatile.Read(ref _stopAskedForAScope))
                {
                    // Ended by itself, in front of its caller: the caller's pace, and the
                    // journals' whole time once it has caught up.
                    deadline = Environment.TickCount64 + (long)DrainTime.TotalMilliseconds;
                }
                else if (Left() <= DrainTime / 2)
                {
                    f.DropCaller();
                    unread.Add(f.Name);
                }
            }
        }
        left = Left();
        List<string> said = [];
        if (unread.Count > 0)
        {
            said.Add($"the caller did not read the last output of {string.Join(", ", unread)} within {(DrainTime / 2).TotalSeconds:0} s of the stop; "
                + "it went to the journal only ('podunits logs')");
        }
        if (late.Count > 0)
        {
            said.Add($"the journal did not take the last output of {string.Join(", ", late)} within {DrainTime.TotalSeconds:0} s; what was left is lost");
        }
        return said;
    }
}
