namespace PodUnits.Systemd.Units;

/// <summary>Whom KillUnit signals (systemd.kill(5), KillUnit in org.freedesktop.systemd1(5)).</summary>
public enum KillWho
{
    /// <summary>Every process of the unit's cgroup.</summary>
    All,

    /// <summary>The main process only (services).</summary>
    Main,

    /// <summary>The control process only (ExecReload= and friends).</summary>
    Control,
}

/// <summary>KillMode= of systemd.kill(5).</summary>
public enum KillMode
{
    ControlGroup,
    Process,
    Mixed,
    None,
}

/// <summary>CollectMode= of systemd.unit(5): when a unit is garbage-collected.</summary>
public enum CollectMode
{
    /// <summary>Unloaded when inactive; a failed unit stays until reset-failed (systemd's default).</summary>
    Inactive,

    /// <summary>Unloaded when inactive or failed: nothing is left behind.</summary>
    InactiveOrFailed,
}

internal static class UnitEnumNames
{
    public static string ToDBus(this KillWho who) => who switch
    {
        KillWho.All => "all",
        KillWho.Main => "main",
        KillWho.Control => "control",
        _ => throw new ArgumentOutOfRangeException(nameof(who), who, null),
    };

    public static string ToDBus(this KillMode mode) => mode switch
    {
        KillMode.ControlGroup => "control-group",
        KillMode.Process => "process",
        KillMode.Mixed => "mixed",
        KillMode.None => "none",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
    };

    public static string ToDBus(this CollectMode mode) => mode switch
    {
        CollectMode.Inactive => "inactive",
        CollectMode.InactiveOrFailed => "inactive-or-failed",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
    };
}
