using System.Globalization;
using PodUnits.Core.Errors;
using PodUnits.Core.Native;
using PodUnits.Runtime.Logging;
using PodUnits.Runtime.Spawning;

namespace PodUnits.Runtime.Init;

/// <summary>
/// The pod's own journald: the host's systemd-journald binary started inside the pod's mount
/// namespace (docs/platform-facts.md), so `journalctl -M POD` (which reads the journal files under the
/// machine leader's root) lists the pod's lines. The executor sends every container line to
/// its socket as well as to the host's journald.
/// </summary>
internal static class PodJournald
{
    private static readonly string[] Candidates = ["/lib/systemd/systemd-journald", "/usr/lib/systemd/systemd-journald"];
    public const string StreamSocket = Journal.JournalStream.DefaultSocketPath;

    /// <summary>Starts journald; returns its PID, or 0 when there is no journald binary (then
    /// only the host journal has the lines). It is not waited for: the containers start
    /// while it opens its journal (<see cref="WaitForSocket"/>).</summary>
    public static int Spawn()
    {
        string? binary = Candidates.FirstOrDefault(File.Exists);
        if (binary is null)
        {
            StageLog.Warning("pod journal: systemd-journald not found, journalctl -M will show nothing");
            return 0;
        }
        // journald writes to /run/log/journal until told /var is ready, by SIGUSR1 (what
        // systemd-journal-flush.service does at boot) or, when it starts, by this flag file
        // (how it survives its own restarts). The pod's journal must outlive the pod, so the
        // flag goes first: a signal could arrive before journald installs its handler, and
        // SIGUSR1's default action would kill it.
        string runtimeDir = Path.GetDirectoryName(StreamSocket)!; // /run/systemd/journal
        Directory.CreateDirectory(runtimeDir);
        File.WriteAllText($"{runtimeDir}/flushed", "");
        WriteSettings();
        int devNull = Check.Io(LibcExtra.open("/dev/null", LibcExtra.O_CLOEXEC | 2, 0), "open", "/dev/null");
        try
        {
            return Spawner.Spawn(binary, ["systemd-journald"], [$"PATH={Plan.CommandResolver.DefaultPath}"],
                [(devNull, 0), (devNull, 1), (devNull, 2)], newSession: true);
        }
        finally
        {
            LibcExtra.close(devNull);
        }
    }

    /// <summary>The pod's private /run (a tmpfs of the pod init's own), so only the pod's
    /// journald reads it.</summary>
    public const string SettingsFile = "/run/systemd/journald.conf.d/00-podunits-pod.conf";

    /// <summary>
    /// The pod's journal is a copy of the host journal's lines (`journalctl -u pod@NAME` has
    /// them all), so it keeps the latest 32 MiB in files of 2 MiB. Without a limit each
    /// pod's journald would allow itself the host's SystemMaxUse (a tenth of the file system,
    /// up to 4 GiB) for its own directory: 110 chatty pods could fill the disk with copies.
    /// The file size is also memory: journald sizes a new file's data hash table for the
    /// largest the file may grow and touches all of it, 58 KiB at 2 MiB against 230 KiB at
    /// 8 MiB and 2.2 MiB at the default (docs/process-model.md, "The pod's journal").
    /// Named to come first, so that a drop-in of the host's /etc/systemd/journald.conf.d,
    /// which pods read too, still wins.
    /// </summary>
    private static void WriteSettings()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(SettingsFile)!);
        File.WriteAllText(SettingsFile,
            "# Written by PodUnits for this pod's journald only (its private /run).\n[Journal]\n"
            + $"SystemMaxUse={MaxUse}\nRuntimeMaxUse={MaxUse}\nSystemMaxFileSize={MaxFileSize}\nRuntimeMaxFileSize={MaxFileSize}\n");
    }

    /// <summary>How much of the pod's journal is kept, and the size its files rotate at (journald.conf(5) units).</summary>
    public const string MaxUse = "32M", MaxFileSize = "2M";

    /// <summary>Waits (up to 3 s) until journald's stream socket exists (the one the
    /// containers' streams connect to; PodJournalStreams retries the short gap between its
    /// bind and listen), woken by inotify when journald binds it. Not journald's sd_notify
    /// READY=1: with NOTIFY_SOCKET set, journald also hands every stream's fd to that socket
    /// for the service manager's fd store, and logs an error for each one nobody takes.</summary>
    public static bool WaitForSocket()
    {
        try
        {
            return LibcExtra.WaitForName(Path.GetDirectoryName(StreamSocket)!, Path.GetFileName(StreamSocket), TimeSpan.FromSeconds(3));
        }
        catch (NativeCallException e)
        {
            StageLog.Warning($"pod journal: waiting for its socket: {e.Message}; journalctl -M will miss the containers' lines");
            return false;
        }
    }

    /// <summary>SIGKILL to every process of the pod but PID 1, journald and the machine
    /// leader (0 when none; this /proc is the pod's).</summary>
    public static void KillAllBut(int journaldPid, int leaderPid)
    {
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) &&
                pid != 1 && pid != journaldPid && pid != leaderPid)
            {
                LibcExtra.kill(pid, LibcExtra.SIGKILL);
            }
        }
    }
}
