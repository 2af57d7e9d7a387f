using PodUnits.Systemd.Bus;
using PodUnits.Systemd.Units;
using Tmds.DBus.Protocol;

namespace PodUnits.Systemd.Machines;

/// <summary>
/// A typed proxy for org.freedesktop.machine1.Manager (org.freedesktop.machine1(5)).
/// machined is D-Bus activated by the first call. RegisterMachine needs the leader to be in
/// a unit already (a service or a scope: machined takes that unit as the machine's);
/// CreateMachine makes a new scope machine-NAME.scope for it instead.
/// </summary>
public sealed class MachineManager : IAsyncDisposable
{
    private const string Destination = "org.freedesktop.machine1";
    private const string ManagerPath = "/org/freedesktop/machine1";
    private const string ManagerInterface = "org.freedesktop.machine1.Manager";
    private const string MachineInterface = "org.freedesktop.machine1.Machine";

    private readonly DBusConnection _connection;
    private readonly bool _ownsConnection;

    /// <summary>A proxy over a connection the caller owns.</summary>
    public MachineManager(DBusConnection connection) : this(connection, ownsConnection: false) { }

    private MachineManager(DBusConnection connection, bool ownsConnection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
        _ownsConnection = ownsConnection;
    }

    public static async Task<MachineManager> ConnectAsync(string? address = null, CancellationToken cancellationToken = default) =>
        new(await SystemBus.ConnectAsync(address, cancellationToken), ownsConnection: true);

    public ValueTask DisposeAsync()
    {
        if (_ownsConnection)
        {
            _connection.Dispose();
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>Registers the unit <paramref name="leaderPid"/> runs in as machine <paramref name="name"/>; returns its object path.</summary>
    public Task<string> RegisterMachineAsync(string name, MachineId id, string service, string @class, uint leaderPid,
        string rootDirectory) =>
        CallAsync("RegisterMachine", name, "sayssus",
            (ref MessageWriter w) => WriteMachineHead(ref w, name, id, service, @class, leaderPid, rootDirectory), BusCalls.ReadObjectPath);

    /// <summary>RegisterMachine plus the host-side network interface indices of the machine.</summary>
    public Task<string> RegisterMachineWithNetworkAsync(string name, MachineId id, string service, string @class,
        uint leaderPid, string rootDirectory, IReadOnlyList<int> networkInterfaces) =>
        CallAsync("RegisterMachineWithNetwork", name, "sayssusai", (ref MessageWriter w) =>
        {
            WriteMachineHead(ref w, name, id, service, @class, leaderPid, rootDirectory);
            w.WriteArray(networkInterfaces.ToArray());
        }, BusCalls.ReadObjectPath);

    /// <summary>Has machined create a scope (machine-NAME.scope) around the leader with <paramref name="scopeProperties"/>.</summary>
    public Task<string> CreateMachineAsync(string name, MachineId id, string service, string @class, uint leaderPid,
        string rootDirectory, TransientUnitProperties? scopeProperties = null) =>
        CallAsync("CreateMachine", name, "sayssusa(sv)", (ref MessageWriter w) =>
        {
            WriteMachineHead(ref w, name, id, service, @class, leaderPid, rootDirectory);
            UnitProperty.WriteArray(ref w, scopeProperties?.ToProperties() ?? []);
        }, BusCalls.ReadObjectPath);

    public Task<string> CreateMachineWithNetworkAsync(string name, MachineId id, string service, string @class,
        uint leaderPid, string rootDirectory, IReadOnlyList<int> networkInterfaces, TransientUnitProperties? scopeProperties = null) =>
        CallAsync("CreateMachineWithNetwork", name, "sayssusaia(sv)", (ref MessageWriter w) =>
        {
            WriteMachineHead(ref w, name, id, service, @class, leaderPid, rootDirectory);
            w.WriteArray(networkInterfaces.ToArray());
            UnitProperty.WriteArray(ref w, scopeProperties?.ToProperties() ?? []);
        }, BusCalls.ReadObjectPath);

    /// <summary>Stops the machine's unit (all its processes); machined then forgets it.</summary>
    public Task TerminateMachineAsync(string name) =>
        CallAsync("TerminateMachine", name, "s", (ref MessageWriter w) => w.WriteString(name));

    /// <summary>Forgets the machine without touching its processes.</summary>
    public Task UnregisterMachineAsync(string name) =>
        CallAsync("UnregisterMachine", name, "s", (ref MessageWriter w) => w.WriteString(name));

    public Task KillMachineAsync(string name, MachineKillWho who, int signal) =>
        CallAsync("KillMachine", name, "ssi", (ref MessageWriter w) =>
        {
            w.WriteString(name);
            w.WriteString(who == MachineKillWho.Leader ? "leader" : "all");
            w.WriteInt32(signal);
        });

    /// <summary>The machine's object path, or null when there is no such machine.</summary>
    public async Task<string?> GetMachinePathAsync(string name)
    {
        try
        {
            return await CallAsync("GetMachine", name, "s", (ref MessageWriter w) => w.WriteString(name), BusCalls.ReadObjectPath);
        }
        catch (SystemdCallException e) when (e.DBusErrorName == DBusErrors.NoSuchMachine)
        {
            return null;
        }
    }

    /// <summary>The machine's properties, or null when there is no such machine.</summary>
    public async Task<MachineInfo?> GetMachineAsync(string name)
    {
        string? path = await GetMachinePathAsync(name);
        return path is null ? null : await ReadMachineAsync(path, Subject(name));
    }

    /// <summary>The machine a process belongs to, or null when it belongs to none.</summary>
    public async Task<MachineInfo?> GetMachineByPidAsync(uint pid)
    {
        string subject = $"process {pid}";
        string path;
        try
        {
            path = await CallAsync("GetMachineByPID", subject, "u", (ref MessageWriter w) => w.WriteUInt32(pid), BusCalls.ReadObjectPath, isSubject: true);
        }
        catch (SystemdCallException e) when (e.DBusErrorName is DBusErrors.NoMachineForPid or DBusErrors.NoSuchMachine)
        {
            return null;
        }
        return await ReadMachineAsync(path, subject);
    }

    public Task<IReadOnlyList<MachineListing>> ListMachinesAsync() =>
        CallAsync("ListMachines", "machines", null, static (ref MessageWriter _) => { }, static (Message m, object? _) =>
        {
            Reader reader = m.GetBodyReader();
            var list = new List<MachineListing>();
            ArrayEnd end = reader.ReadArrayStart(DBusType.Struct);
            while (reader.HasNext(end))
            {
                reader.AlignStruct();
                list.Add(new MachineListing(reader.ReadString(), reader.ReadString(), reader.ReadString(),
                    reader.ReadObjectPathAsString()));
            }
            return (IReadOnlyList<MachineListing>)list;
        }, isSubject: true);

    private async Task<MachineInfo?> ReadMachineAsync(string path, string subject)
    {
        Dictionary<string, VariantValue> p;
        try
        {
            p = await BusCalls.GetAllAsync(_connection, Destination, path, MachineInterface, subject);
        }
        catch (SystemdCallException e) when (e.DBusErrorName is DBusErrors.UnknownObject or DBusErrors.NoSuchMachine)
        {
            return null; // gone between the lookup and the read
        }
        string Str(string key) => p.TryGetValue(key, out VariantValue v) ? v.GetString() : "";
        ulong timestamp = p.TryGetValue("Timestamp", out VariantValue t) ? t.GetUInt64() : 0;
        byte[] id = p.TryGetValue("Id", out VariantValue idValue) ? idValue.GetArray<byte>() : [];
        int[] interfaces = p.TryGetValue("NetworkInterfaces", out VariantValue n) ? n.GetArray<int>() : [];
        return new MachineInfo(
            Name: Str("Name"),
            Id: id.Length == 16 ? MachineId.FromBytes(id) : MachineId.Empty,
            Class: Str("Class"),
            Service: Str("Service"),
            Unit: Str("Unit"),
            Leader: p.TryGetValue("Leader", out VariantValue leader) ? leader.GetUInt32() : 0,
            State: Str("State"),
            RootDirectory: Str("RootDirectory"),
            Timestamp: timestamp == 0 ? null : DateTimeOffset.UnixEpoch.AddTicks((long)(timestamp * 10)),
            NetworkInterfaces: interfaces,
            ObjectPath: path);
    }

    private static void WriteMachineHead(ref MessageWriter w, string name, MachineId id, string service, string @class,
        uint leaderPid, string rootDirectory)
    {
        w.WriteString(name);
        w.WriteArray(id.IsEmpty ? [] : id.ToByteArray());
        w.WriteString(service);
        w.WriteString(@class);
        w.WriteUInt32(leaderPid);
        w.WriteString(rootDirectory);
    }

    private static string Subject(string name) => $"machine \"{name}\"";

    private async Task CallAsync(string member, string name, string? signature, MessageBodyWriter writeArguments)
    {
        MessageBuffer message = BusCalls.CreateCall(_connection, Destination, ManagerPath, ManagerInterface, member, signature,
            writeArguments);
        try
        {
            await BusCalls.CallAsync(_connection, message, Subject(name)).ConfigureAwait(false);
        }
        catch (SystemdCallException e) when (NotStarted(e) is { } unavailable)
        {
            throw unavailable;
        }
    }

    private async Task<T> CallAsync<T>(string member, string nameOrSubject, string? signature, MessageBodyWriter writeArguments,
        MessageValueReader<T> reader, bool isSubject = false)
    {
        MessageBuffer message = BusCalls.CreateCall(_connection, Destination, ManagerPath, ManagerInterface, member, signature,
            writeArguments);
        try
        {
            return await BusCalls.CallAsync(_connection, message, reader, isSubject ? nameOrSubject : Subject(nameOrSubject)).ConfigureAwait(false);
        }
        catch (SystemdCallException e) when (NotStarted(e) is { } unavailable)
        {
            throw unavailable;
        }
    }

    /// <summary>
    /// machined is started on demand by its bus name. When that fails the error is systemd's
    /// (the bus forwards why its activation failed: "unit is masked", or an alias unit that
    /// "failed to load properly") or the bus's own (no such name): about systemd-machined,
    /// not about the machine the call named. Said so, with what to do; machined's own
    /// errors are org.freedesktop.machine1.* and pass unchanged. Null for those, and for
    /// systemd's errors an activation does not give: CreateMachine makes the machine's scope
    /// through systemd and passes its error on unchanged (UnitExists for a leftover
    /// machine-NAME.scope is about that scope, not about machined).
    /// </summary>
    internal static SystemdCallException? NotStarted(SystemdCallException e)
    {
        string? name = e.DBusErrorName;
        bool activation = name is DBusErrors.UnitMasked or DBusErrors.LoadFailed or DBusErrors.NoSuchUnit
            or DBusErrors.ServiceUnknown
            || name?.StartsWith("org.freedesktop.DBus.Error.Spawn.", StringComparison.Ordinal) == true;
        if (!activation)
        {
            return null;
        }
        string fix = name == DBusErrors.ServiceUnknown
            ? "install it (Debian: apt-get install systemd-container)"
            : "'systemctl unmask systemd-machined' if it was masked, 'systemctl status systemd-machined' otherwise";
        return new SystemdCallException("systemd-machined", $"could not be started: {e.Why}; PodUnits registers every pod with it: {fix}",
            name, e.JobResult, e);
    }
}
