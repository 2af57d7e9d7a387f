namespace PodUnits.Generator;

/// <summary>
/// Whether a pod starts at boot, as the generator decides it on every boot and reload
/// (docs/packaging.md, "Autostart: which wins"). For a package's pod (/usr/lib/podunits/pods)
/// the first systemd preset rule that names its boot unit wins over its
/// podunits.io/autostart annotation: presets are how a distribution or an administrator
/// overrides a vendor's default, for pods as for unit files ("disable *" on Fedora-like
/// systems). When no rule names it, the annotation decides; that is not systemd's
/// "enable" default for unmatched units, which would turn every packaged pod on in
/// Debian (no preset files). An administrator's own definition (/etc, /run) is their
/// choice already: its annotation decides. `systemctl enable` and `systemctl mask` work
/// on top of this as on any unit.
/// </summary>
public static class AutostartPolicy
{
    public static bool Decide(PodUnitSettings settings, bool packaged, UnitPresets presets)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(presets);
        if (packaged && presets.Query(settings.BootUnit) is { } action)
        {
            return action == PresetAction.Enable;
        }
        return settings.Autostart;
    }

    /// <summary>Whether boot starts the pod, given its boot unit's UnitFileState:
    /// masked (or, for a socket pod, its service masked) → never; enabled by hand (`systemctl enable`, also --runtime) → yes; otherwise
    /// (the generator's "generated" socket, a disabled or static instance) what the generator
    /// decides, read from the definition so that it holds before a daemon-reload too.</summary>
    /// <param name="serviceFileState">For a socket-activated pod, pod@NAME.service's
    /// UnitFileState: systemd refuses to enable the generated socket, and `systemctl enable
    /// pod@NAME` (the service, which requires its socket) is how an administrator has such a
    /// pod start at boot (generator review of 2026-12-06, finding 7).</param>
    public static bool StartsAtBoot(string unitFileState, PodUnitSettings settings, bool packaged, UnitPresets presets, string serviceFileState = "")
    {
        ArgumentNullException.ThrowIfNull(unitFileState);
        ArgumentNullException.ThrowIfNull(settings);
        // A socket pod's masked service too: systemd refuses to start the socket then, and the
        // generator writes no link for it; status said it starts at boot (generator review of
        // 2026-12-07, finding 5).
        if (unitFileState.StartsWith("masked", StringComparison.Ordinal) || (settings.SocketActivated && serviceFileState.StartsWith("masked", StringComparison.Ordinal)))
        {
            return false;
        }
        return unitFileState is "enabled" or "enabled-runtime" || ServiceEnabled(settings, serviceFileState) || Decide(settings, packaged, presets);
    }

    /// <summary>Whether a socket-activated pod's service is enabled by hand: then boot starts
    /// the pod itself, not only its socket.</summary>
    public static bool ServiceEnabled(PodUnitSettings settings, string serviceFileState)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.SocketActivated && serviceFileState is "enabled" or "enabled-runtime";
    }
}
