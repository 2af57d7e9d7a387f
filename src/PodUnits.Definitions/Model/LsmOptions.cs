namespace PodUnits.Definitions;

public enum AppArmorProfileType
{
    RuntimeDefault,
    Unconfined,
    Localhost,
}

/// <summary>securityContext.appArmorProfile; <see cref="Line"/> and <see cref="Column"/> are
/// where the definition names it, for errors found when the pod is planned (a host without
/// AppArmor, a Localhost profile that is not loaded).</summary>
public sealed record AppArmorProfileRef(AppArmorProfileType Type, string? LocalhostProfile, int Line, int Column);

/// <summary>securityContext.seLinuxOptions: the parts of the process's SELinux label the
/// definition sets (the others take the container defaults when planned).</summary>
public sealed record SeLinuxOptions(string? User, string? Role, string? Type, string? Level, int Line, int Column);
