using Microsoft.Win32.SafeHandles;
using PodUnits.Journal;
using PodUnits.Runtime.Logging;
using PodUnits.Runtime.Plan;
using PodUnits.Runtime.Spawning;

namespace PodUnits.Runtime.Init;

/// <summary>
/// The pod journald's stream connections for the containers' output, opened by the pod init
/// and taken over by the executor. journald accepts a stream only from a peer it can see
/// (SO_PEERCRED must name a PID in its own PID namespace), which the executor, outside the
/// pod, is not; so the pod init connects, one stream per container and output (identifier
/// = container name, PRIORITY 6 or 3), and passes them in a journal-streams message
/// (SCM_RIGHTS). Their order: container i of the plan has 2i (stdout) and 2i+1 (stderr).
/// </summary>
internal static class PodJournalStreams
{
    /// <summary>Connects all streams; null entries where journald is missing or refused.</summary>
    public static SafeFileHandle?[] Open(PodPlan plan, bool journaldRunning)
    {
        var streams = new SafeFileHandle?[2 * plan.Containers.Count];
        if (!journaldRunning)
        {
            return streams;
        }
        for (int i = 0; i < streams.Length; i++)
        {
            ContainerPlan c = plan.Containers[i / 2];
            for (int attempt = 1; streams[i] is null; attempt++)
            {
                try
                {
                    streams[i] = JournalStream.OpenHandle(c.Name, i % 2 == 0 ? JournalPriority.Informational : JournalPriority.Error);
                }
                catch (Core.Errors.PodUnitsException e)
                {
                    if (attempt < 5)
                    {
                        Thread.Sleep(2); // journald may have bound its socket but not yet listen()ed
                        continue;
                    }
                    StageLog.Warning($"pod journal: {c.Name}: {e.Message}; journalctl -M will miss its lines");
                    break;
                }
            }
        }
        return streams;
    }

    /// <summary>
    /// Sends <c>journal-streams MASK</c> with the streams attached; MASK says which streams
    /// came ('1') and which could not be opened ('0'), in order. The pod init's own copies
    /// are closed once sent: the executor's are the only ones, so when it closes them at the
    /// end of a container's output journald sees the end of the stream (and logs an
    /// unterminated last line).
    /// </summary>
    public static void Send(ControlChannel control, SafeFileHandle?[] streams)
    {
        string mask = string.Concat(streams.Select(s => s is null ? '0' : '1'));
        int[] fds = [.. streams.OfType<SafeFileHandle>().Select(s => (int)s.DangerousGetHandle())];
        control.Send(new PodControlMessage.JournalStreams(mask), fds);
        foreach (SafeFileHandle? stream in streams)
        {
            stream?.Dispose();
        }
    }
}
