using System.Diagnostics;
using Tmds.DBus.Protocol;

namespace PodUnits.Systemd.Units;

/// <summary>
/// Waits for systemd jobs through the Manager's JobRemoved(u id, o job, s unit, s result)
/// signal, without polling. The match is added before a job is queued (<see cref="ListenAsync"/>)
/// and removed once no caller waits any more: a pod's executor lives as long as its pod, and
/// a match held all that time would wake every executor on the host for every job of every
/// other pod (measured: 110 pods started at once cost each executor 63 ms more CPU than 10).
/// systemd sends JobRemoved for a job to the client that queued it without Manager.Subscribe()
/// (the job's bus track, src/core/dbus.c bus_foreach_bus), so this client never subscribes
/// and so never makes systemd announce every unit change on the bus.
/// A JobRemoved can arrive before the reply that tells us the job's path (a scope's start job
/// often finishes while systemd is still answering), so results of jobs nobody waits for yet
/// are kept for a while and handed out when the waiter registers. Registration and delivery
/// share one lock, so no wake-up is lost between "not there yet" and "now waiting".
/// </summary>
internal sealed class JobWaiter : IDisposable
{
    /// <summary>How long a result of a job nobody waits for is kept: far longer than the gap
    /// between a JobRemoved and the reply of the call that queued that job.</summary>
    private static readonly TimeSpan EarlyResultLifetime = TimeSpan.FromSeconds(60);

    private readonly object _gate = new();
    private readonly Dictionary<string, TaskCompletionSource<JobRemoved>> _pending = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (JobRemoved Result, long Timestamp)> _early = new(StringComparer.Ordinal);
    private readonly DBusConnection? _connection;
    /// <summary>The match, added for the first listener and removed after the last.</summary>
    private Task<IDisposable>? _match;
    private int _listeners;
    private long _earlyResults;
    private Exception? _broken;

    private JobWaiter(DBusConnection? connection) => _connection = connection;

    /// <summary>A waiter fed only through <see cref="Deliver"/>: the bookkeeping without a bus, for tests.</summary>
    internal static JobWaiter CreateDetached() => new(null);

    public static JobWaiter Create(DBusConnection connection) => new(connection);

    /// <summary>Receives JobRemoved until the result is disposed: take it before queuing a job
    /// and keep it until <see cref="WaitAsync"/> has the job's result.</summary>
    public async Task<IDisposable> ListenAsync()
    {
        Task<IDisposable> match;
        lock (_gate)
        {
            _listeners++;
            match = _match ??= AddMatchAsync();
        }
        try
        {
            await match.ConfigureAwait(false);
        }
        catch
        {
            Unlisten();
            throw;
        }
        return new Listening(this);
    }

    private Task<IDisposable> AddMatchAsync()
    {
        if (_connection is null)
        {
            return Task.FromResult<IDisposable>(new Listening(null));
        }
        // Sender narrows the bus daemon's routing to signals sent by systemd's own connection.
        var rule = new MatchRule
        {
            Type = MessageType.Signal,
            Sender = SystemdManager.Destination,
            Path = SystemdManager.ManagerPath,
            Interface = SystemdManager.ManagerInterface,
            Member = "JobRemoved",
        };
        return _connection.AddMatchAsync(rule, ReadJobRemoved,
            static (Notification<JobRemoved> n) => ((JobWaiter)n.State!).OnNotification(n),
            emitOnCapturedContext: false,
            ObserverFlags.EmitOnConnectionClosed | ObserverFlags.EmitOnConnectionFailed | ObserverFlags.EmitOnReaderFailed,
            state: this).AsTask();
    }

    private void Unlisten()
    {
        Task<IDisposable>? last = null;
        lock (_gate)
        {
            if (--_listeners == 0)
            {
                (last, _match) = (_match, null);
            }
        }
        if (last is { IsCompletedSuccessfully: true })
        {
            last.Result.Dispose(); // the library removes the bus match with its last observer
        }
    }

    private sealed class Listening(JobWaiter? waiter) : IDisposable
    {
        private JobWaiter? _waiter = waiter;

        public void Dispose() => Interlocked.Exchange(ref _waiter, null)?.Unlisten();
    }

    /// <summary>How many waits found their job already finished (JobRemoved before the reply): for tests.</summary>
    public long EarlyResults
    {
        get
        {
            lock (_gate)
            {
                return _earlyResults;
            }
        }
    }

    /// <summary>Completes with the job's JobRemoved, whether it came before or after this call.</summary>
    public Task<JobRemoved> WaitAsync(string jobPath, CancellationToken cancellationToken)
    {
        TaskCompletionSource<JobRemoved> source;
        lock (_gate)
        {
            if (_early.Remove(jobPath, out var early))
            {
                _earlyResults++;
                return Task.FromResult(early.Result);
            }
            if (_broken is not null)
            {
                return Task.FromException<JobRemoved>(_broken);
            }
            source = new TaskCompletionSource<JobRemoved>(TaskCreationOptions.RunContinuationsAsynchronously);
            _pending.Add(jobPath, source);
        }
        if (!cancellationToken.CanBeCanceled)
        {
            return source.Task;
        }
        return WaitCancellableAsync(jobPath, source, cancellationToken);
    }

    private async Task<JobRemoved> WaitCancellableAsync(string jobPath, TaskCompletionSource<JobRemoved> source,
        CancellationToken cancellationToken)
    {
        try
        {
            return await source.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            lock (_gate)
            {
                _pending.Remove(jobPath);
            }
            throw;
        }
    }

    // Runs on the connection's reader: must be quick and must not throw.
    private void OnNotification(Notification<JobRemoved> notification)
    {
        if (!notification.HasValue)
        {
            Exception? error = notification.IsCompletion ? notification.CompletionReason : null;
            FailAll(new SystemdCallException("system bus",
                $"lost the connection to systemd while waiting for a job: {error?.Message ?? notification.Type.ToString()}",
                inner: error));
            return;
        }
        Deliver(notification.Value);
    }

    /// <summary>Hands a JobRemoved to its waiter, or keeps it for a waiter still to come.</summary>
    internal void Deliver(JobRemoved value)
    {
        TaskCompletionSource<JobRemoved>? waiter;
        lock (_gate)
        {
            if (!_pending.Remove(value.JobPath, out waiter))
            {
                PruneEarly();
                _early[value.JobPath] = (value, Stopwatch.GetTimestamp());
                return;
            }
        }
        waiter.TrySetResult(value);
    }

    private void PruneEarly()
    {
        if (_early.Count < 64)
        {
            return;
        }
        foreach (var (path, entry) in _early)
        {
            if (Stopwatch.GetElapsedTime(entry.Timestamp) > EarlyResultLifetime)
            {
                _early.Remove(path);
            }
        }
    }

    internal void FailAll(Exception failure)
    {
        List<TaskCompletionSource<JobRemoved>> waiters;
        lock (_gate)
        {
            _broken ??= failure;
            waiters = [.. _pending.Values];
            _pending.Clear();
        }
        foreach (var waiter in waiters)
        {
            waiter.TrySetException(_broken);
        }
    }

    private static JobRemoved ReadJobRemoved(Message message, object? state)
    {
        Reader reader = message.GetBodyReader();
        uint id = reader.ReadUInt32();
        string job = reader.ReadObjectPathAsString();
        string unit = reader.ReadString();
        string result = reader.ReadString();
        return new JobRemoved(id, job, unit, result);
    }

    public void Dispose()
    {
        Task<IDisposable>? match;
        lock (_gate)
        {
            (match, _match) = (_match, null);
        }
        if (match is { IsCompletedSuccessfully: true })
        {
            match.Result.Dispose();
        }
        FailAll(new ObjectDisposedException(nameof(SystemdManager), "the systemd connection was closed while waiting for a job"));
    }
}

/// <summary>The JobRemoved signal: which job ended, for which unit, and how ("done", "failed", ...).</summary>
internal readonly record struct JobRemoved(uint Id, string JobPath, string Unit, string Result);
