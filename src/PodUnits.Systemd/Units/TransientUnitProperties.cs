using PodUnits.Systemd.Bus;
using Tmds.DBus.Protocol;

namespace PodUnits.Systemd.Units;

/// <summary>
/// The unit properties PodUnits sets on transient scopes and services, typed; each unset
/// (null) property is left to systemd's default. Names and D-Bus types follow
/// org.freedesktop.systemd1(5); <see cref="Extra"/> takes anything else. The same object is
/// used for SetUnitProperties, where only run-time changeable properties (resource limits,
/// Description, ...) make sense.
/// </summary>
public sealed class TransientUnitProperties
{
    /// <summary>systemd.resource-control(5): "infinity" on the bus.</summary>
    public const ulong Infinity = ulong.MaxValue;

    public string? Description { get; set; }

    /// <summary>The slice to put the unit in, e.g. <c>machine.slice</c>.</summary>
    public string? Slice { get; set; }

    /// <summary>Delegate=: the unit's processes may manage their own cgroup subtree.</summary>
    public bool? Delegate { get; set; }

    public CollectMode? CollectMode { get; set; }

    /// <summary>AddRef=: the unit lives as long as the calling bus client holds a reference (systemd 236+).</summary>
    public bool? AddRef { get; set; }

    /// <summary>Scopes only, at creation: the bus name (a connection's unique name) systemd
    /// asks to stop the scope, with an org.freedesktop.systemd1.Scope RequestStop signal,
    /// instead of sending SIGTERM itself. systemd forgets it when that name leaves the bus.</summary>
    public string? Controller { get; set; }

    /// <summary>After= (as, at creation): units this one starts after and, what matters for a
    /// scope, stops before when both stop in one transaction, as at shutdown.</summary>
    public IReadOnlyList<string>? After { get; set; }

    /// <summary>MemoryMax= in bytes (<see cref="Infinity"/> for none). On cgroup v1 systemd maps it to memory.limit_in_bytes.</summary>
    public ulong? MemoryMax { get; set; }

    /// <summary>MemorySwapMax= in bytes: 0 for no swap at all (cgroup v2's memory.swap.max;
    /// ignored on cgroup v1).</summary>
    public ulong? MemorySwapMax { get; set; }

    /// <summary>CPUWeight= (1 to 10000, systemd's default 100): the unit's share of CPU
    /// time against its siblings under contention. See <see cref="CpuWeightFromMillicores"/>.</summary>
    public ulong? CpuWeight { get; set; }

    /// <summary>CPUQuota= as microseconds of CPU time per second: 500000 is 50% of one CPU.
    /// See <see cref="CpuQuotaFromMillicores"/>.</summary>
    public ulong? CpuQuotaPerSecUSec { get; set; }

    public ulong? TasksMax { get; set; }

    /// <summary>DevicePolicy= ("auto", "closed" or "strict"; systemd.resource-control(5)).</summary>
    public string? DevicePolicy { get; set; }

    /// <summary>DeviceAllow= entries: a device node path or "char-NAME"/"block-NAME" (from
    /// /proc/devices) with its access, any of "rwm".</summary>
    public IReadOnlyList<(string Device, string Access)>? DeviceAllow { get; set; }

    public KillMode? KillMode { get; set; }

    /// <summary>KillSignal= (a signal number, e.g. 15).</summary>
    public int? KillSignal { get; set; }

    public ulong? TimeoutStopUSec { get; set; }

    /// <summary>SendSIGKILL=: whether processes left after TimeoutStopSec= get SIGKILL.</summary>
    public bool? SendSigkill { get; set; }

    /// <summary>Services only: Type= (simple, exec, oneshot, notify, ...). "exec" makes a
    /// missing binary fail the start job instead of the service later.</summary>
    public string? ServiceType { get; set; }

    /// <summary>Services only: RemainAfterExit=.</summary>
    public bool? RemainAfterExit { get; set; }

    /// <summary>Services only: ExecStart= commands.</summary>
    public IReadOnlyList<ExecCommand>? ExecStart { get; set; }

    /// <summary>Any other property; written after the typed ones.</summary>
    public IList<UnitProperty> Extra { get; } = [];

    /// <summary>Kubernetes CPU millicores (500m) as CPUQuotaPerSecUSec: 1000m is one full CPU,
    /// rounded up to a whole percent (10m). A quota too large for the property (20T cores) is
    /// none: UINT64_MAX, systemd's "infinity".</summary>
    /// <remarks>systemd 252 keeps a unit's quota only as a whole percent: it saves the value
    /// set over D-Bus as "CPUQuota=N%", dividing with truncation, and every daemon-reload
    /// reads that back. Unrounded, 15m would become 10m at the next reload and 5m "0%",
    /// which systemd ignores: no limit at all. Rounding up keeps what is applied equal to
    /// what a reload restores, and never gives less than asked. The kubelet's own floor is
    /// 1% as well (it raises a CFS quota under 1 ms per 100 ms period to 1 ms).</remarks>
    public static ulong CpuQuotaFromMillicores(ulong millicores) =>
        millicores > (ulong.MaxValue / 10_000 * 10) - 10 ? ulong.MaxValue : (millicores + 9) / 10 * 10_000;

    /// <summary>A Kubernetes CPU request (millicores) as CPUWeight=, exactly as a kubelet on
    /// cgroup v2 gets there: cpu.shares = milli × 1024 / 1000 (truncated, at least 2, at
    /// most 262144: MilliCPUToShares), then runc's shares-to-weight mapping
    /// 1 + (shares − 2) × 9999 / 262142 (truncated). 500m is 512 shares, weight 20; 1000m
    /// is weight 39; 0 (no request) is 2 shares, weight 1.</summary>
    public static ulong CpuWeightFromMillicores(ulong millicores)
    {
        const ulong MinShares = 2, MaxShares = 262_144;
        ulong shares = millicores > MaxShares ? MaxShares : Math.Clamp(millicores * 1024 / 1000, MinShares, MaxShares);
        return 1 + ((shares - MinShares) * 9999 / (MaxShares - MinShares));
    }

    /// <summary>The set properties as (name, variant) pairs, in a fixed order.</summary>
    public IReadOnlyList<UnitProperty> ToProperties()
    {
        var list = new List<UnitProperty>();
        void Add(UnitProperty p) => list.Add(p);

        if (Description is not null) Add(UnitProperty.OfString("Description", Description));
        if (Slice is not null) Add(UnitProperty.OfString("Slice", Slice));
        if (Delegate is bool d) Add(UnitProperty.OfBool("Delegate", d));
        if (CollectMode is CollectMode cm) Add(UnitProperty.OfString("CollectMode", cm.ToDBus()));
        if (AddRef is bool addRef) Add(UnitProperty.OfBool("AddRef", addRef));
        if (Controller is not null) Add(UnitProperty.OfString("Controller", Controller));
        if (After is { Count: > 0 } after) Add(UnitProperty.OfStringArray("After", after));
        if (MemoryMax is ulong mem) Add(UnitProperty.OfUInt64("MemoryMax", mem));
        if (MemorySwapMax is ulong swap) Add(UnitProperty.OfUInt64("MemorySwapMax", swap));
        if (CpuWeight is ulong weight) Add(UnitProperty.OfUInt64("CPUWeight", weight));
        if (CpuQuotaPerSecUSec is ulong cpu) Add(UnitProperty.OfUInt64("CPUQuotaPerSecUSec", cpu));
        if (TasksMax is ulong tasks) Add(UnitProperty.OfUInt64("TasksMax", tasks));
        if (DevicePolicy is not null) Add(UnitProperty.OfString("DevicePolicy", DevicePolicy));
        if (DeviceAllow is { Count: > 0 } devices) Add(DeviceAllowProperty(devices));
        if (KillMode is KillMode km) Add(UnitProperty.OfString("KillMode", km.ToDBus()));
        if (KillSignal is int sig) Add(UnitProperty.OfInt32("KillSignal", sig));
        if (TimeoutStopUSec is ulong timeout) Add(UnitProperty.OfUInt64("TimeoutStopUSec", timeout));
        if (SendSigkill is bool kill) Add(UnitProperty.OfBool("SendSIGKILL", kill));
        if (ServiceType is not null) Add(UnitProperty.OfString("Type", ServiceType));
        if (RemainAfterExit is bool remain) Add(UnitProperty.OfBool("RemainAfterExit", remain));
        if (ExecStart is { Count: > 0 } exec) Add(ExecStartProperty(exec));
        list.AddRange(Extra);
        return list;
    }

    /// <summary>DeviceAllow as a(ss): (device, access) per entry.</summary>
    private static UnitProperty DeviceAllowProperty(IReadOnlyList<(string Device, string Access)> devices)
    {
        (string Device, string Access)[] copy = [.. devices];
        return UnitProperty.Custom("DeviceAllow", "a(ss)", (ref MessageWriter writer) =>
        {
            ArrayStart start = writer.WriteArrayStart(DBusType.Struct);
            foreach ((string device, string access) in copy)
            {
                writer.WriteStructureStart();
                writer.WriteString(device);
                writer.WriteString(access);
            }
            writer.WriteArrayEnd(start);
        });
    }

    /// <summary>ExecStart as a(sasb): (path, argv, ignore-failure) per command.</summary>
    private static UnitProperty ExecStartProperty(IReadOnlyList<ExecCommand> commands)
    {
        ExecCommand[] copy = [.. commands];
        return UnitProperty.Custom("ExecStart", "a(sasb)", (ref MessageWriter writer) =>
        {
            ArrayStart start = writer.WriteArrayStart(DBusType.Struct);
            foreach (ExecCommand command in copy)
            {
                writer.WriteStructureStart();
                writer.WriteString(command.Path);
                writer.WriteArray(command.Arguments.ToArray());
                writer.WriteBool(command.IgnoreFailure);
            }
            writer.WriteArrayEnd(start);
        });
    }
}
