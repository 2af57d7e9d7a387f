using PodUnits.Core.Errors;
using PodUnits.Journal.Files;
using PodUnits.Runtime.Logging;

namespace PodUnits.Runtime.Executor;

// The pod's own journal (`journalctl -M POD`), written by the executor into the pod's
// journal directory, which the pod init binds at /var/log/journal/POD_ID in the pod's mount
// namespace (docs/process-model.md, "The pod's journal").
public sealed partial class PodExecutor
{
    /// <summary>The pod's journal keeps the latest 32 MiB of its copy of the lines (the host
    /// journal has them all), in files of 2 MiB.</summary>
    internal const long PodJournalFileSize = 2L << 20, PodJournalMaxUse = 32L << 20;

    /// <summary>The pod's journal directory, or null (no JournalDir in the plan, or it cannot
    /// be used: then only the host journal has the lines, said once).</summary>
    private JournalDirectory? OpenPodJournal()
    {
        if (_plan.JournalDir is not { } directory)
        {
            return null;
        }
        try
        {
            return new JournalDirectory(directory, Convert.FromHexString(_plan.MachineId), PodJournalFileSize, PodJournalMaxUse);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PodUnitsException)
        {
            StageLog.Warning($"pod journal {directory}: {e.Message}; journalctl -M {_plan.Name} will show nothing");
            return null;
        }
    }

    /// <summary>What journald adds to every entry it writes, so `journalctl -M POD -b`,
    /// `-o verbose` and the default output read the pod's journal as they read any.</summary>
    private IReadOnlyList<KeyValuePair<string, string>> PodJournalFields() =>
    [
        new("_TRANSPORT", "stdout"),
        new("_BOOT_ID", _podJournal?.BootId ?? ""),
        new("_MACHINE_ID", _plan.MachineId),
        new("_HOSTNAME", _plan.Hostname),
    ];
}
