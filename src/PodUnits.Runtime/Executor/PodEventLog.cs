using System.Globalization;
using PodUnits.Core.Errors;
using PodUnits.Core.Identity;
using PodUnits.Core.Text;
using PodUnits.Journal;
using PodUnits.Runtime.Logging;
using PodUnits.Runtime.Plan;
using Tmds.Linux;

namespace PodUnits.Runtime.Executor;

/// <summary>
/// The executor's own lifecycle messages: pod started, container exited, pod stopped, pod
/// failed. Under systemd (stderr is the journal, as $JOURNAL_STREAM says) each is a journal
/// entry of its own with the MESSAGE_ID of JournalMessageIds, so `journalctl -x` explains it
/// (packaging/catalog/podunits.catalog) and `journalctl MESSAGE_ID=...` finds it, with the
/// fields that catalog names (POD_NAME, POD_ID, CONTAINER_NAME, EXIT_STATUS) unless the
/// unit's LogExtraFields= adds them already. Elsewhere (a terminal) it is a line on stderr;
/// for an interactive pod only a failure to set it up is, the terminal showing the rest.
/// Entries are sent from a thread of their own (<see cref="JournalSendQueue"/>): they are
/// emitted on the supervision loop, which must not wait for a journald that does not read.
/// </summary>
internal sealed class PodEventLog
{
    private const string Identifier = PodJournalFields.OwnIdentifier;
    private readonly PodPlan _plan;
    private readonly string? _unit;
    private readonly IReadOnlyList<KeyValuePair<string, string>> _unitFields;
    private readonly JournalSendQueue? _sends;
    private readonly bool _quiet;

    /// <param name="unit">The executor's service; named in OBJECT_SYSTEMD_UNIT= so `journalctl
    /// -u` and `systemctl status` show the entry even when journald reads it after the
    /// executor has exited (journald learns a sender's unit from its live cgroup).</param>
    public PodEventLog(PodPlan plan, string? unit, IReadOnlyList<KeyValuePair<string, string>> unitFields)
    {
        _plan = plan;
        _unit = unit;
        _unitFields = unitFields;
        // The queue's own count of what it gave up carries the fields that keep `journalctl
        // -u` and `podunits logs` finding it (logging review of 2026-12-07, finding 1).
        _sends = JournalStream.StderrIsJournal() && JournalClient.IsAvailable()
            ? new JournalSendQueue(JournalClient.Shared, warning: message => Encode(null, JournalPriority.Warning, message)) : null;
        _quiet = plan.Interactive;
    }

    /// <summary>Whether an entry went to the journal as a datagram (or is queued to): journald
    /// learns its unit and the unit's LogExtraFields= (POD_NAME...) from the sender's cgroup
    /// when it reads it, so the executor must not exit before it has (PodExecutor's journal
    /// sync, after <see cref="Flush"/>).</summary>
    public bool SentDatagrams { get; private set; }

    /// <summary>Sends what is queued, for up to <paramref name="timeout"/>; later entries go to
    /// stderr. At the executor's end, before its journal sync.</summary>
    public void Flush(TimeSpan timeout) => _sends?.Complete(timeout);

    /// <summary>Takes no more entries (later ones go to stderr) while the queued ones go on
    /// being sent: at the pod's end, so that they drain beside the containers' output.</summary>
    public void Close() => _sends?.Close();

    /// <summary>READY=1 was sent; <paramref name="containers"/> says how many of the pod's
    /// containers run at that moment (<see cref="Running"/>).</summary>
    public void Started(string containers) => EmitUnlessQuiet(JournalMessageIds.PodStarted, JournalPriority.Informational, $"pod {_plan.Name} started: {containers} running");

    /// <summary>"2 containers", or "1 of 2 containers" when some have already ended
    /// (a container that exited for good does not hold READY back, but it does not run).</summary>
    public static string Running(int running, int total) =>
        running == total ? Counted.Of(total, "container") : $"{running} of {Counted.Of(total, "container")}";

    public void ContainerExited(string container, int status, string description, bool expected) =>
        EmitUnlessQuiet(JournalMessageIds.ContainerExited, expected ? JournalPriority.Informational : JournalPriority.Warning,
            $"container {container} exited with {description}", container, status);

    /// <summary>One failed probe, while the failures are not yet more than its threshold.</summary>
    public void ProbeFailed(string container, string probe, int failures, int threshold, string output) =>
        EmitUnlessQuiet(JournalMessageIds.ProbeFailed, JournalPriority.Warning,
            $"container {container}: {probe} failed ({failures} of {threshold})" + (output.Length > 0 ? $": {output}" : ""), container, null,
            [new("PROBE", probe), new("PROBE_OUTPUT", output)]);

    public void ContainerUnhealthy(string container, string probe, int threshold, string output, string then) =>
        EmitUnlessQuiet(JournalMessageIds.ContainerUnhealthy, JournalPriority.Warning,
            $"container {container} failed its {probe} {(threshold == 1 ? "once" : $"{threshold} times in a row")}; killing it, {then}", container, null,
            [new("PROBE", probe), new("PROBE_OUTPUT", output)]);

    public void ContainerRestarting(string container, int delaySeconds, int restart, string why) =>
        EmitUnlessQuiet(JournalMessageIds.ContainerRestarting, JournalPriority.Notice,
            delaySeconds > 0
                ? $"container {container} restarts in {delaySeconds} s (back-off; {why}), restart {restart}"
                : $"container {container} restarts now ({why}), restart {restart}",
            container, null,
            [new("RESTART_DELAY_SEC", delaySeconds.ToString(CultureInfo.InvariantCulture)), new("RESTART_COUNT", restart.ToString(CultureInfo.InvariantCulture))]);

    public void ReadinessChanged(string container, bool ready, string output) =>
        EmitUnlessQuiet(JournalMessageIds.ReadinessChanged, ready ? JournalPriority.Informational : JournalPriority.Warning,
            $"container {container} is {(ready ? "ready" : "not ready")}" + (!ready && output.Length > 0 ? $": {output}" : ""), container, null,
            [new("READY", ready ? "1" : "0")]);

    /// <summary>A postStart or preStop hook failed; <paramref name="then"/> says what follows.</summary>
    public void HookFailed(string container, string hook, string output, string then) =>
        EmitUnlessQuiet(JournalMessageIds.HookFailed, JournalPriority.Warning,
            $"container {container}: {hook} hook failed" + (output.Length > 0 ? $": {output}" : "") + $"; {then}", container, null,
            [new("HOOK", hook), new("HOOK_OUTPUT", output)]);

    public void Stopped() =>
        EmitUnlessQuiet(JournalMessageIds.PodStopped, JournalPriority.Informational, $"pod {_plan.Name} stopped");

    /// <summary>The pod could not be set up (said even to an interactive pod's terminal).</summary>
    public void SetupFailed(string why) =>
        Emit(JournalMessageIds.PodFailed, JournalPriority.Error, $"pod {_plan.Name} failed: {why}");

    /// <summary>The pod ended with a failing status (an interactive pod's exit status says it).</summary>
    public void Failed(string why) =>
        EmitUnlessQuiet(JournalMessageIds.PodFailed, JournalPriority.Error, $"pod {_plan.Name} failed: {why}");

    private void EmitUnlessQuiet(string messageId, JournalPriority priority, string message, string? container = null, int? status = null,
        IReadOnlyList<KeyValuePair<string, string>>? fields = null)
    {
        if (!_quiet)
        {
            Emit(messageId, priority, message, container, status, fields);
        }
    }

    private void Emit(string messageId, JournalPriority priority, string message, string? container = null, int? status = null,
        IReadOnlyList<KeyValuePair<string, string>>? fields = null)
    {
        if (_sends is null)
        {
            StageLog.Write(priority, message);
            return;
        }
        if (_sends.TryEnqueue(Encode(messageId, priority, message, container, status, fields)))
        {
            SentDatagrams = true;
        }
        else if (_sends.IsCompleted)
        {
            StageLog.Write(priority, message); // after the flush: the executor is ending
        }
    }

    private byte[] Encode(string? messageId, JournalPriority priority, string message, string? container = null, int? status = null,
        IReadOnlyList<KeyValuePair<string, string>>? fields = null)
    {
        using var entry = new JournalEntryBuilder();
        entry.Add("MESSAGE", message);
        if (messageId is not null)
        {
            entry.Add("MESSAGE_ID", messageId);
        }
        entry.AddPriority(priority).Add("SYSLOG_IDENTIFIER", Identifier);
        AddUnlessTheUnitDoes(entry, PodJournalFields.PodName, _plan.Name);
        AddUnlessTheUnitDoes(entry, PodJournalFields.PodId, _plan.MachineId);
        if (container is not null)
        {
            AddUnlessTheUnitDoes(entry, PodJournalFields.ContainerName, container);
        }
        if (status is int code)
        {
            entry.Add(PodJournalFields.ExitStatus, code.ToString(CultureInfo.InvariantCulture));
        }
        foreach ((string name, string value) in fields ?? [])
        {
            entry.Add(name, value);
        }
        if (_unit is not null)
        {
            entry.Add("OBJECT_SYSTEMD_UNIT", _unit);
        }
        return entry.Encoded.ToArray();
    }

    private void AddUnlessTheUnitDoes(JournalEntryBuilder entry, string name, string value)
    {
        if (!_unitFields.Contains(new(name, value)))
        {
            entry.Add(name, value);
        }
    }
}
