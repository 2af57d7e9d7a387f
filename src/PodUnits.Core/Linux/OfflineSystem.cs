namespace PodUnits.Core.Linux;

/// <summary>
/// Whether the system this runs on is not the one whose systemd is reachable, so that units
/// must be left alone, as systemctl leaves them (systemd's running_in_chroot_or_offline(),
/// docs/ENVIRONMENT.md): $SYSTEMD_OFFLINE=1, which package builds and image builders set,
/// or a chroot, whose / is not PID 1's root ($SYSTEMD_IGNORE_CHROOT=1 overrides that).
/// A chroot with the host's /run bound into it (a rescue or installer chroot) reaches the
/// host's system bus, and `podunits refresh` from a package's trigger there stopped and
/// disabled every host pod the chroot did not define and started the chroot's on the host
/// (packaging review of 2026-12-07, finding 1).
/// </summary>
public static class OfflineSystem
{
    /// <summary>Why systemd must be left alone here, or null when it may be used.</summary>
    public static string? Reason()
    {
        // Set either way, it decides, as in systemd: SYSTEMD_OFFLINE=0 says this is the
        // running system whatever its root.
        if (Flag("SYSTEMD_OFFLINE") is bool offline)
        {
            return offline ? "SYSTEMD_OFFLINE is set" : null;
        }
        return Flag("SYSTEMD_IGNORE_CHROOT") != true && InChroot("/", "/proc") ? "this runs in a chroot (its / is not PID 1's root)" : null;
    }

    /// <summary>Whether <paramref name="root"/> is not the root of PID 1 in the procfs at
    /// <paramref name="proc"/>. Without a procfs there, a chroot, as systemd takes it: every
    /// running system has one, and a rescue chroot often mounts none.</summary>
    public static unsafe bool InChroot(string root, string proc)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(proc);
        using var ownPath = new Native.CString(root);
        using var initPath = new Native.CString($"{proc}/1/root");
        Tmds.Linux.stat own, init;
        if (Tmds.Linux.LibC.stat(ownPath, &own) != 0)
        {
            return false;
        }
        if (Tmds.Linux.LibC.stat(initPath, &init) != 0)
        {
            return !Directory.Exists($"{proc}/self"); // a procfs that hides PID 1's root cannot tell
        }
        return own.st_dev != init.st_dev || own.st_ino != init.st_ino;
    }

    /// <summary>A boolean variable as systemd's getenv_bool() reads it; null when unset or
    /// no boolean.</summary>
    private static bool? Flag(string name) => Environment.GetEnvironmentVariable(name)?.Trim().ToLowerInvariant() switch
    {
        "1" or "yes" or "y" or "true" or "t" or "on" => true,
        "0" or "no" or "n" or "false" or "f" or "off" => false,
        _ => null,
    };
}
