using PodUnits.Systemd.Bus;
using Tmds.DBus.Protocol;

namespace PodUnits.Systemd.Units;

public sealed partial class SystemdManager
{
    /// <summary>
    /// Reads a loaded unit's state and resource figures, or returns null when systemd has no
    /// such unit loaded (never started, or stopped and garbage-collected).
    /// </summary>
    public async Task<UnitStatus?> GetUnitStatusAsync(string unitName)
    {
        string? path = await GetUnitAsync(unitName);
        if (path is null)
        {
            return null;
        }
        string subject = Subject(unitName);
        try
        {
            Dictionary<string, VariantValue> unit = await BusCalls.GetAllAsync(_connection, Destination, path, UnitInterface, subject);
            string? typeInterface = TypeInterface(unitName);
            Dictionary<string, VariantValue> typed = typeInterface is null
                ? []
                : await BusCalls.GetAllAsync(_connection, Destination, path, typeInterface, subject);
            return new UnitStatus(
                Name: unitName,
                ObjectPath: path,
                LoadState: String(unit, "LoadState") ?? "",
                ActiveState: String(unit, "ActiveState") ?? "",
                SubState: String(unit, "SubState") ?? "",
                Result: String(typed, "Result"),
                ControlGroup: NonEmpty(String(typed, "ControlGroup")),
                MainPid: typed.TryGetValue("MainPID", out VariantValue pid) ? pid.GetUInt32() : 0,
                MemoryCurrent: UInt64(typed, "MemoryCurrent"),
                MemoryMax: UInt64(typed, "MemoryMax"),
                CpuQuotaPerSecUSec: UInt64(typed, "CPUQuotaPerSecUSec"),
                TasksCurrent: UInt64(typed, "TasksCurrent"))
            {
                StatusText = NonEmpty(String(typed, "StatusText")),
                ExecMainCode = Int32(typed, "ExecMainCode"),
                ExecMainStatus = Int32(typed, "ExecMainStatus"),
            };
        }
        catch (SystemdCallException e) when (e.DBusErrorName is DBusErrors.UnknownObject or DBusErrors.NoSuchUnit)
        {
            return null; // unloaded between GetUnit and GetAll
        }
    }

    /// <summary>All properties of one interface of a unit (the escape hatch for what <see cref="UnitStatus"/> lacks).</summary>
    public async Task<IReadOnlyDictionary<string, VariantValue>> GetUnitPropertiesAsync(string unitName, string @interface)
    {
        string path = await LoadUnitAsync(unitName);
        return await BusCalls.GetAllAsync(_connection, Destination, path, @interface, Subject(unitName));
    }

    /// <summary>A service's NRestarts: its automatic restarts (Restart=) since a start that
    /// was not one; systemd flushes it when such a start comes. 0 when it is not loaded.</summary>
    public async Task<uint> GetServiceRestartsAsync(string serviceName)
    {
        if (await GetUnitAsync(serviceName) is not { } path)
        {
            return 0;
        }
        VariantValue value = await BusCalls.GetAsync(_connection, Destination, path, TypeInterface(serviceName)!, "NRestarts", Subject(serviceName));
        return value.GetUInt32();
    }

    /// <summary>When the unit last became active (ActiveEnterTimestamp, UTC); null when it is
    /// not loaded or never was active.</summary>
    public async Task<DateTime?> GetUnitActiveSinceAsync(string unitName)
    {
        if (await GetUnitAsync(unitName) is not { } path)
        {
            return null;
        }
        try
        {
            VariantValue value = await BusCalls.GetAsync(_connection, Destination, path, UnitInterface, "ActiveEnterTimestamp", Subject(unitName));
            ulong microseconds = value.GetUInt64();
            return microseconds == 0 ? null : DateTime.UnixEpoch.AddTicks((long)microseconds * 10);
        }
        catch (SystemdCallException e) when (e.DBusErrorName is DBusErrors.UnknownObject or DBusErrors.NoSuchUnit)
        {
            return null; // unloaded meanwhile
        }
    }

    /// <summary>Names of the loaded units that match one of <paramref name="patterns"/> (globs)
    /// and are in one of <paramref name="states"/> (ListUnitsByPatterns; empty: any).</summary>
    public Task<IReadOnlyList<string>> ListUnitNamesAsync(string[] states, string[] patterns) =>
        CallManagerAsync("ListUnitsByPatterns", "units", (ref MessageWriter w) =>
        {
            w.WriteArray(states);
            w.WriteArray(patterns);
        }, "asas", static (Message m, object? _) =>
        {
            Reader reader = m.GetBodyReader();
            var names = new List<string>();
            ArrayEnd end = reader.ReadArrayStart(DBusType.Struct); // a(ssssssouso)
            while (reader.HasNext(end))
            {
                reader.AlignStruct();
                names.Add(reader.ReadString());
                for (int i = 0; i < 5; i++)
                {
                    reader.ReadString(); // description, load, active and sub state, followed
                }
                reader.ReadObjectPathAsString();
                reader.ReadUInt32();
                reader.ReadString();
                reader.ReadObjectPathAsString();
            }
            return (IReadOnlyList<string>)names;
        });

    /// <summary>A service's TimeoutStartSec= in µs (<see cref="ulong.MaxValue"/> for
    /// infinity), loading the unit if needed (a pod never started is not loaded yet).</summary>
    public async Task<ulong> GetServiceStartTimeoutAsync(string serviceName)
    {
        string path = await LoadUnitAsync(serviceName);
        VariantValue value = await BusCalls.GetAsync(_connection, Destination, path, TypeInterface(serviceName)!, "TimeoutStartUSec", Subject(serviceName));
        return value.GetUInt64();
    }

    /// <summary>
    /// A service's LogExtraFields= as "NAME=value" pairs (journald adds them to every entry
    /// of the unit); empty when it has none or is not a service.
    /// </summary>
    public async Task<IReadOnlyList<KeyValuePair<string, string>>> GetLogExtraFieldsAsync(string unitName)
    {
        if (!unitName.EndsWith(".service", StringComparison.Ordinal))
        {
            return [];
        }
        string path = await LoadUnitAsync(unitName);
        VariantValue value = await BusCalls.GetAsync(_connection, Destination, path, TypeInterface(unitName)!, "LogExtraFields",
            Subject(unitName));
        var fields = new List<KeyValuePair<string, string>>();
        for (int i = 0; i < value.Count; i++)
        {
            string field = System.Text.Encoding.UTF8.GetString(value.GetItem(i).GetArray<byte>());
            int equals = field.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                fields.Add(new(field[..equals], field[(equals + 1)..]));
            }
        }
        return fields;
    }

    /// <summary>The interface holding Result, ControlGroup and the cgroup figures for this unit type.</summary>
    private static string? TypeInterface(string unitName)
    {
        int dot = unitName.LastIndexOf('.');
        return dot < 0 ? null : unitName[(dot + 1)..] switch
        {
            "service" => "org.freedesktop.systemd1.Service",
            "scope" => "org.freedesktop.systemd1.Scope",
            "slice" => "org.freedesktop.systemd1.Slice",
            "socket" => "org.freedesktop.systemd1.Socket",
            "mount" => "org.freedesktop.systemd1.Mount",
            "swap" => "org.freedesktop.systemd1.Swap",
            _ => null,
        };
    }

    private static string? String(Dictionary<string, VariantValue> properties, string name) =>
        properties.TryGetValue(name, out VariantValue value) && value.Type == VariantValueType.String ? value.GetString() : null;

    private static int Int32(Dictionary<string, VariantValue> properties, string name) =>
        properties.TryGetValue(name, out VariantValue value) && value.Type == VariantValueType.Int32 ? value.GetInt32() : 0;

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>UINT64_MAX means "unknown" (current values) or "no limit" (limits): null either way.</summary>
    private static ulong? UInt64(Dictionary<string, VariantValue> properties, string name) =>
        properties.TryGetValue(name, out VariantValue value) && value.Type == VariantValueType.UInt64 && value.GetUInt64() != ulong.MaxValue
            ? value.GetUInt64()
            : null;
}
