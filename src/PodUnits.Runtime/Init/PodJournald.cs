using System.Globalization;
using PodUnits.Core.Native;
using PodUnits.Runtime.Spawning;

namespace PodUnits.Runtime.Init;

/// <summary>
/// The pod's own journald: the host's systemd-journald binary started inside the pod's mount
/// namespace (FACTS.md), so `journalctl -M POD` (which reads the journal files under the
/// machine leader's root) lists the pod's lines. The executor sends every container line to
/// its socket as well as to the host's journald.
/// </summary>
internal static class PodJournald
{
    private static readonly string[] Candidates = ["/lib/systemd/systemd-journald", "/usr/lib/systemd/systemd-journald"];
    public const string Socket = "/run/systemd/journal/socket";

    /// <summary>Starts journald and waits (up to 3 s) for its socket; returns its PID, or 0
    /// when there is no journald binary (then only the host journal has the lines).</summary>
    public static int Start()
    {
        string? binary = Candidates.FirstOrDefault(File.Exists);
        if (binary is null)
        {
            Console.Error.WriteLine("pod journal: systemd-journald not found, journalctl -M will show nothing");
            return 0;
        }
        // journald writes to /run/log/journal until told /var is ready, by SIGUSR1 (what
        // systemd-journal-flush.service does at boot) or, when it starts, by this flag file
        // (how it survives its own restarts). The pod's journal must outlive the pod, so the
        // flag goes first: a signal could arrive before journald installs its handler, and
        // SIGUSR1's default action would kill it.
        Directory.CreateDirectory("/run/systemd/journal");
        File.WriteAllText("/run/systemd/journal/flushed", "");
        int devNull = Check.Io(LibcExtra.open("/dev/null", LibcExtra.O_CLOEXEC | 2, 0), "open", "/dev/null");
        int pid;
        try
        {
            pid = Spawner.Spawn(binary, ["systemd-journald"], [$"PATH={Plan.CommandResolver.DefaultPath}"],
                [(devNull, 0), (devNull, 1), (devNull, 2)], newSession: true);
        }
        finally
        {
            LibcExtra.close(devNull);
        }
        for (int i = 0; i < 300 && !File.Exists(Socket); i++)
        {
            Thread.Sleep(5);
        }
        return pid;
    }

    /// <summary>SIGKILL to every process of the pod but PID 1 and journald (this /proc is the pod's).</summary>
    public static void KillAllBut(int journaldPid)
    {
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) &&
                pid != 1 && pid != journaldPid)
            {
                LibcExtra.kill(pid, 9);
            }
        }
    }
}
