using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PodUnits.Runtime.State;

namespace PodUnits.Runtime.Health;

/// <summary>
/// What the executor knows of one container while the pod runs, as Kubernetes' ContainerStatus
/// tells it: its state, whether it is ready, how often it restarted, how its last run ended
/// and what its last probe found. The executor's supervision loop is the only writer; it
/// saves every change to /run/podunits/state/NAME/containers.json (<see cref="Save"/>) for
/// `podunits status` and `list -o json`.
/// </summary>
public sealed class ContainerStatus(string name)
{
    public string Name { get; } = name;
    /// <summary>waiting (not started yet), running, restarting (its back-off), exited.</summary>
    public string State { get; set; } = "waiting";
    /// <summary>Ready as its probes say (set), and, for the container named by
    /// podunits.io/notify, only once its current run sent READY=1 (docs/activation.md).</summary>
    public bool Ready
    {
        get => _probedReady && (!Notify || NotifiedRun == Run);
        set => _probedReady = value;
    }
    private bool _probedReady;
    /// <summary>The container gets the pod's notify socket (podunits.io/notify).</summary>
    public bool Notify { get; set; }
    /// <summary>The run that sent READY=1 through the notify socket (-1: none yet).</summary>
    public int NotifiedRun { get; set; } = -1;
    /// <summary>The last STATUS= the container sent through the notify socket, and in which run.</summary>
    public string? NotifyStatus { get; set; }
    public int NotifyStatusRun { get; set; } = -1;
    /// <summary>The STATUS= of the current run, if it sent one.</summary>
    public string? CurrentNotifyStatus => NotifyStatusRun == Run ? NotifyStatus : null;
    /// <summary>Whether its startup probe has passed (true when it has none).</summary>
    public bool Started { get; set; }
    public int Restarts { get; set; }
    /// <summary>The number of the current run (0 = the first start).</summary>
    public int Run { get; set; } = -1;
    public DateTime? StartedAt { get; set; }
    /// <summary>The same moment on the monotonic clock (<see cref="Prober.Now"/>), which the
    /// run's probes are scheduled from; not saved.</summary>
    public TimeSpan StartedMonotonic { get; set; }
    public DateTime? RestartAt { get; set; }
    public int? LastExitCode { get; set; }
    /// <summary>Kubernetes' reason: Completed, Error, OOMKilled, or the probe that killed it.</summary>
    public string? LastExitReason { get; set; }
    /// <summary>What the last probe of any kind found (saved; `podunits status` shows it).</summary>
    public string? LastProbe { get; private set; }
    /// <summary>What the last probe of each kind found: with a liveness probe beside a
    /// readiness probe, the one slot named whichever reported last, so the reason a start
    /// waited (<see cref="WaitingOnProbe"/>) was often a passing liveness probe, and the two
    /// turns rewrote the status file every period (health review of 2026-12-07, finding 2).</summary>
    private readonly Dictionary<ProbeKind, string> _lastByKind = [];

    /// <summary>Records a probe's outcome; whether it says something its kind did not say last time.</summary>
    public bool RecordProbe(ProbeKind kind, string outcome)
    {
        LastProbe = outcome;
        if (_lastByKind.TryGetValue(kind, out string? previous) && previous == outcome)
        {
            return false;
        }
        _lastByKind[kind] = outcome;
        return true;
    }

    /// <summary>A new run's probes report afresh: what the run before's found is not what this
    /// one waits on (review of the merged health change, 2026-12-07, finding 3). The last
    /// probe of any kind stays for display.</summary>
    public void NewRun() => _lastByKind.Clear();

    /// <summary>The probe a running container's readiness waits on, as its last outcome said
    /// it: the startup probe until it passes, then the readiness probe; null when neither has
    /// reported, or when the probes pass (a notify container may still wait for READY=1).</summary>
    public string? WaitingOnProbe => !Started ? _lastByKind.GetValueOrDefault(ProbeKind.Startup)
        : !_probedReady ? _lastByKind.GetValueOrDefault(ProbeKind.Readiness)
        : null;
    /// <summary>Set when a probe's failure had the current run killed: its exit's reason.</summary>
    public string? KilledBy { get; set; }
    /// <summary>The current run's PID in the pod (the protocol names runs by it).</summary>
    public int PodPid { get; set; }
    /// <summary>The OOM kill counts when the current run started (<see cref="OomKills"/>); null
    /// when it has no memory limit, so no SIGKILL of it can be the OOM killer's.</summary>
    public OomKills.Counts? OomKillsAtStart { get; set; }
    /// <summary>Whether the current run's postStart hook has ended well (true when it has none).</summary>
    public bool PostStartDone { get; set; }

    /// <summary>What a running container is going through before it counts as started
    /// (Kubernetes' started: its postStart hook ended well and its startup probe passed), or
    /// that it is being killed and why; null when it is simply running. `podunits status` and
    /// the executor's line for a stop before READY word it the same.</summary>
    public static string? StartingStep(bool started, bool postStartDone, string? killedBy) =>
        killedBy is { } reason ? $"being killed ({reason})"
        : !postStartDone ? "postStart hook running"
        : !started ? "startup probe pending"
        : null;

    /// <summary>One element of containers.json. Written with the writer, not built as a
    /// JsonObject: the executor saves statuses as its first container runs, and JsonNode's
    /// first use builds the serializer's converters through reflection (about 1% of all CPU
    /// while many pods start at once, perf; docs/process-model.md).</summary>
    private void Write(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("name", Name);
        w.WriteString("state", State);
        w.WriteBoolean("ready", Ready);
        w.WriteBoolean("started", Started);
        w.WriteBoolean("postStartDone", PostStartDone);
        w.WriteNumber("restarts", Restarts);
        w.WriteString("startedAt", Time(StartedAt));
        w.WriteString("restartAt", Time(RestartAt));
        if (LastExitCode is { } code)
        {
            w.WriteNumber("lastExitCode", code);
        }
        else
        {
            w.WriteNull("lastExitCode");
        }
        w.WriteString("lastExitReason", LastExitReason);
        w.WriteString("lastProbe", LastProbe);
        // What a running container that is not ready waits on: with a passing liveness probe
        // beside a failing readiness probe, lastProbe may be the liveness one (review of the
        // merged health change, 2026-12-07, finding 4).
        w.WriteString("waitingOn", State == "running" && !Ready ? WaitingOnProbe : null);
        w.WriteString("notifyStatus", CurrentNotifyStatus);
        w.WriteString("killedBy", KilledBy);
        w.WriteEndObject();
    }

    private static string? Time(DateTime? t) => t?.ToString("o", CultureInfo.InvariantCulture);

    public const string FileName = "containers.json";

    /// <summary>Replaces the pod's containers.json at once (a reader never sees half of it).</summary>
    public static void Save(string pod, IEnumerable<ContainerStatus> statuses)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        PodPaths.WritePrivateFile($"{PodPaths.RuntimeDir(pod)}/{FileName}", ToJson(statuses));
    }

    /// <summary>containers.json's text: an array of the statuses' objects.</summary>
    internal static string ToJson(IEnumerable<ContainerStatus> statuses)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            foreach (ContainerStatus status in statuses)
            {
                status.Write(w);
            }
            w.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The last run's statuses, kept with the pod's state once it has ended, so that
    /// `podunits status` of a stopped or failed pod says how each container ended (exit code
    /// and reason), as kubectl describe does of a terminated pod.</summary>
    public const string LastFileName = "last-containers.json";

    /// <summary>Keeps the ending run's statuses in <paramref name="stateDir"/>; a failure is
    /// logged, not thrown (the pod has ended either way).</summary>
    public static void KeepLast(string pod, string stateDir, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(log);
        string from = $"{PodPaths.RuntimeDir(pod)}/{FileName}";
        try
        {
            if (File.Exists(from) && Directory.Exists(stateDir))
            {
                // Replaced whole: a crash while it is written keeps the previous run's.
                PodPaths.WritePrivateFile($"{stateDir}/{LastFileName}", File.ReadAllText(from));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log($"keeping the containers' last status: {e.Message}");
        }
    }

    /// <summary>The statuses a running pod's executor saved, by container name; empty when
    /// there are none (stopped, or an executor from before this file existed).</summary>
    public static Dictionary<string, JsonObject> Read(string pod) => ReadFile($"{PodPaths.RuntimeDir(pod)}/{FileName}");

    /// <summary>The statuses the pod's last run ended with (<see cref="KeepLast"/>); empty when none.</summary>
    public static Dictionary<string, JsonObject> ReadLast(string pod) => ReadFile($"{PodPaths.StateDir(pod)}/{LastFileName}");

    private static Dictionary<string, JsonObject> ReadFile(string path)
    {
        var result = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        try
        {
            if (File.Exists(path) && JsonNode.Parse(File.ReadAllText(path)) is JsonArray array)
            {
                foreach (JsonObject o in array.OfType<JsonObject>())
                {
                    if (o["name"]?.GetValue<string>() is string name)
                    {
                        result[name] = o;
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException or InvalidOperationException)
        {
            // being replaced, or unreadable: status shows what systemd knows
        }
        return result;
    }
}
