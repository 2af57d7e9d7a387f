using PodUnits.Systemd.Bus;
using PodUnits.Systemd.Machines;
using Tmds.DBus.Protocol;

namespace PodUnits.Systemd.Units;

/// <summary>
/// A typed proxy for org.freedesktop.systemd1.Manager (org.freedesktop.systemd1(5)) on the
/// system bus: transient units, stop/kill, run-time property changes and unit status.
/// Calls that queue a job (start, stop) return when the job has finished, and throw
/// <see cref="SystemdCallException"/> unless its result is "done".
/// </summary>
public sealed partial class SystemdManager : IAsyncDisposable
{
    internal const string Destination = "org.freedesktop.systemd1";
    internal const string ManagerPath = "/org/freedesktop/systemd1";
    internal const string ManagerInterface = "org.freedesktop.systemd1.Manager";
    internal const string UnitInterface = "org.freedesktop.systemd1.Unit";

    private readonly DBusConnection _connection;
    private readonly bool _ownsConnection;
    private readonly JobWaiter _jobs;
    private MachineManager? _machines;

    private SystemdManager(DBusConnection connection, bool ownsConnection, JobWaiter jobs)
    {
        _connection = connection;
        _ownsConnection = ownsConnection;
        _jobs = jobs;
    }

    /// <summary>The bus connection; <see cref="Machines"/> shares it.</summary>
    public DBusConnection Connection => _connection;

    /// <summary>Jobs whose JobRemoved came before the reply that named them (diagnostics for tests).</summary>
    internal long JobsFinishedBeforeReply => _jobs.EarlyResults;

    /// <summary>systemd-machined over the same connection.</summary>
    public MachineManager Machines => _machines ??= new MachineManager(_connection);

    /// <summary>Connects to the system bus (or <paramref name="address"/>); job signals are listened to only while a job is waited for (JobWaiter).</summary>
    public static async Task<SystemdManager> ConnectAsync(string? address, CancellationToken cancellationToken = default)
    {
        DBusConnection connection = await SystemBus.ConnectAsync(address, cancellationToken);
        try
        {
            return await CreateAsync(connection, ownsConnection: true);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public static Task<SystemdManager> ConnectAsync(CancellationToken cancellationToken = default) =>
        ConnectAsync(null, cancellationToken);

    /// <summary>A manager over a connection the caller owns (and disposes).</summary>
    public static Task<SystemdManager> CreateAsync(DBusConnection connection) =>
        CreateAsync(connection, ownsConnection: false);

    private static Task<SystemdManager> CreateAsync(DBusConnection connection, bool ownsConnection) =>
        Task.FromResult(new SystemdManager(connection, ownsConnection, JobWaiter.Create(connection)));

    public ValueTask DisposeAsync()
    {
        _jobs.Dispose();
        if (_ownsConnection)
        {
            _connection.Dispose();
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>The object path of a loaded unit, or null when systemd has no such unit loaded.</summary>
    public async Task<string?> GetUnitAsync(string unitName)
    {
        try
        {
            return await CallManagerAsync("GetUnit", Subject(unitName), (ref MessageWriter w) => w.WriteString(unitName), "s", BusCalls.ReadObjectPath);
        }
        catch (SystemdCallException e) when (e.DBusErrorName == DBusErrors.NoSuchUnit)
        {
            return null;
        }
    }

    /// <summary>The object path of a unit, loading it from disk if needed (it may be "not-found").</summary>
    public Task<string> LoadUnitAsync(string unitName) =>
        CallManagerAsync("LoadUnit", Subject(unitName), (ref MessageWriter w) => w.WriteString(unitName), "s", BusCalls.ReadObjectPath);

    /// <summary>StartUnit (mode "replace") and wait for the job.</summary>
    public Task StartUnitAsync(string unitName, CancellationToken cancellationToken = default) =>
        StartUnitAsync(unitName, "replace", cancellationToken);

    /// <summary>StartUnit and wait for the job. <paramref name="mode"/>: replace, fail, isolate, ...</summary>
    public Task StartUnitAsync(string unitName, string mode, CancellationToken cancellationToken) =>
        RunJobAsync("StartUnit", "start", unitName, (ref MessageWriter w) => { w.WriteString(unitName); w.WriteString(mode); }, "ss", cancellationToken);

    /// <summary>StopUnit (mode "replace") and wait until the unit is stopped.</summary>
    public Task StopUnitAsync(string unitName, CancellationToken cancellationToken = default) =>
        StopUnitAsync(unitName, "replace", cancellationToken);

    /// <summary>StopUnit and wait until the unit is stopped.</summary>
    public Task StopUnitAsync(string unitName, string mode, CancellationToken cancellationToken) =>
        RunJobAsync("StopUnit", "stop", unitName, (ref MessageWriter w) => { w.WriteString(unitName); w.WriteString(mode); }, "ss", cancellationToken);

    /// <summary>StartUnit (<paramref name="member"/> "StartUnit" or "TryRestartUnit", mode
    /// "replace") without waiting for the job; returns its object path once queued. For a
    /// start with no deadline, which a caller must not wait for.</summary>
    public Task<string> QueueJobAsync(string member, string unitName) =>
        CallManagerAsync(member, Subject(unitName), (ref MessageWriter w) => { w.WriteString(unitName); w.WriteString("replace"); }, "ss", BusCalls.ReadObjectPath);

    /// <summary>StopUnit without waiting for the job; returns its object path once queued. For
    /// a unit's own main process: the job waits for that process to exit.</summary>
    public Task<string> QueueStopUnitAsync(string unitName, string mode = "replace") =>
        CallManagerAsync("StopUnit", Subject(unitName), (ref MessageWriter w) => { w.WriteString(unitName); w.WriteString(mode); }, "ss", BusCalls.ReadObjectPath);

    /// <summary>Sends <paramref name="signal"/> to the unit's processes (no job; returns once sent).</summary>
    public Task KillUnitAsync(string unitName, KillWho who, int signal) =>
        CallManagerAsync("KillUnit", Subject(unitName), (ref MessageWriter w) =>
        {
            w.WriteString(unitName);
            w.WriteString(who.ToDBus());
            w.WriteInt32(signal);
        }, "ssi");

    /// <summary>Changes properties of a loaded unit; <paramref name="runtime"/> keeps them until reboot only.</summary>
    public Task SetUnitPropertiesAsync(string unitName, bool runtime, TransientUnitProperties properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        IReadOnlyList<UnitProperty> list = properties.ToProperties();
        return CallManagerAsync("SetUnitProperties", Subject(unitName), (ref MessageWriter w) =>
        {
            w.WriteString(unitName);
            w.WriteBool(runtime);
            UnitProperty.WriteArray(ref w, list);
        }, "sba(sv)");
    }

    /// <summary>
    /// AttachProcessesToUnit (systemd 238+): moves running processes into a unit's cgroup
    /// (<paramref name="subcgroup"/> "" for its own), so its limits and device policy apply to
    /// them; how `podunits enter` and exec probes join a container's scope.
    /// </summary>
    public Task AttachProcessesToUnitAsync(string unitName, string subcgroup, IReadOnlyList<uint> pids)
    {
        ArgumentNullException.ThrowIfNull(pids);
        uint[] copy = [.. pids];
        return CallManagerAsync("AttachProcessesToUnit", Subject(unitName), (ref MessageWriter w) =>
        {
            w.WriteString(unitName);
            w.WriteString(subcgroup);
            w.WriteArray(copy);
        }, "ssau");
    }

    /// <summary>Drops the reference AddRef=yes took for this client.</summary>
    public Task UnrefUnitAsync(string unitName) =>
        CallManagerAsync("UnrefUnit", Subject(unitName), (ref MessageWriter w) => w.WriteString(unitName), "s");

    /// <summary>Forgets a failed unit's state so a transient one can be collected and its name reused.</summary>
    public Task ResetFailedUnitAsync(string unitName) =>
        CallManagerAsync("ResetFailedUnit", Subject(unitName), (ref MessageWriter w) => w.WriteString(unitName), "s");

    /// <summary>
    /// Abandons a scope: systemd stops waiting for its creator, and the scope ends when its
    /// last process does. Called on the unit object's org.freedesktop.systemd1.Scope interface.
    /// </summary>
    public async Task AbandonScopeAsync(string unitName)
    {
        string subject = Subject(unitName);
        string path = await GetUnitAsync(unitName)
            ?? throw new SystemdCallException(subject, $"not loaded (no such unit) ({DBusErrors.NoSuchUnit})", DBusErrors.NoSuchUnit);
        MessageBuffer message = BusCalls.CreateCall(_connection, Destination, path, "org.freedesktop.systemd1.Scope", "Abandon",
            signature: null, body: null);
        await BusCalls.CallAsync(_connection, message, subject);
    }

    internal static string Subject(string unitName) => $"unit {unitName}";

    private Task CallManagerAsync(string member, string subject, MessageBodyWriter writeArguments, string? signature)
    {
        MessageBuffer message = BusCalls.CreateCall(_connection, Destination, ManagerPath, ManagerInterface, member, signature,
            writeArguments);
        return BusCalls.CallAsync(_connection, message, subject);
    }

    private Task<T> CallManagerAsync<T>(string member, string subject, MessageBodyWriter writeArguments, string? signature,
        MessageValueReader<T> reader)
    {
        MessageBuffer message = BusCalls.CreateCall(_connection, Destination, ManagerPath, ManagerInterface, member, signature,
            writeArguments);
        return BusCalls.CallAsync(_connection, message, reader, subject);
    }

    /// <summary>Calls a method that returns a job path, then waits for that job's JobRemoved.</summary>
    private async Task RunJobAsync(string member, string verb, string unitName, MessageBodyWriter writeArguments,
        string signature, CancellationToken cancellationToken)
    {
        string subject = Subject(unitName);
        using IDisposable listening = await _jobs.ListenAsync(); // before the job exists: its JobRemoved may come before the reply
        string jobPath = await CallManagerAsync(member, subject, writeArguments, signature, BusCalls.ReadObjectPath);
        JobRemoved removed = await _jobs.WaitAsync(jobPath, cancellationToken);
        if (removed.Result != "done")
        {
            throw new SystemdCallException(subject, JobFailure(verb, unitName, removed.Result), jobResult: removed.Result);
        }
    }

    /// <summary>What a job result means, in the words of systemctl's own messages.</summary>
    private static string JobFailure(string verb, string unitName, string result)
    {
        string what = result switch
        {
            "failed" => "failed",
            "dependency" => "failed because a dependency failed",
            "timeout" => "timed out",
            "canceled" => "was canceled",
            "skipped" => "was skipped (a condition was not met)",
            "invalid" => "is invalid for this unit type",
            "unsupported" => "is not supported by this unit type",
            _ => $"ended with result '{result}'",
        };
        return $"{verb} job {what} (job result \"{result}\"); see 'systemctl status {unitName}' and 'journalctl -u {unitName}'";
    }
}
