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
        if (IsSet("SYSTEMD_OFFLINE"))
        {
            return "SYSTEMD_OFFLINE is set";
        }
        return !IsSet("SYSTEMD_IGNORE_CHROOT") && InChroot("/", "/proc/1/root") ? "this runs in a chroot (its / is not PID 1's root)" : null;
    }

    /// <summary>Whether <paramref name="root"/> and <paramref name="initRoot"/> are different
    /// directories; false when either cannot be looked at (no /proc: nothing tells, and
    /// systemd takes it for no chroot too).</summary>
    public static unsafe bool InChroot(string root, string initRoot)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(initRoot);
        using var ownPath = new Native.CString(root);
        using var initPath = new Native.CString(initRoot);
        Tmds.Linux.stat own, init;
        if (Tmds.Linux.LibC.stat(ownPath, &own) != 0 || Tmds.Linux.LibC.stat(initPath, &init) != 0)
        {
            return false;
        }
        return own.st_dev != init.st_dev || own.st_ino != init.st_ino;
    }

    /// <summary>A boolean variable as systemd's getenv_bool() reads it.</summary>
    private static bool IsSet(string name) =>
        Environment.GetEnvironmentVariable(name)?.Trim().ToLowerInvariant() is "1" or "yes" or "y" or "true" or "t" or "on";
}
