using PodUnits.Core.Errors;
using PodUnits.Definitions;
using PodUnits.Runtime.Confinement.Lsm;
using PodUnits.Runtime.Plan;

namespace PodUnits.Planning.Confinement;

/// <summary>
/// Stage 0: each container's AppArmor profile and SELinux label from appArmorProfile and
/// seLinuxOptions (the container's, else the pod's) and what the host runs
/// (docs/confinement.md, "AppArmor and SELinux"):
/// <list type="bullet">
/// <item>AppArmor host: RuntimeDefault, and no profile at all for an unprivileged container
/// (containerd's default), is <see cref="AppArmorDefaultProfile"/>; Localhost must name a
/// loaded profile; Unconfined is none.</item>
/// <item>Host without AppArmor: RuntimeDefault and Unconfined run without one, with a warning;
/// Localhost is refused (the author asked for a confinement the host cannot give).</item>
/// <item>seLinuxOptions need an SELinux host (refused elsewhere, for the same reason); the
/// parts not set are the container defaults system_u:system_r:container_t:s0.</item>
/// </list>
/// </summary>
public static class LsmPlanner
{
    public static void Apply(PodPlan plan, PodDefinition pod, HostLsm host, Func<string, bool> appArmorLoaded, Action<string> warn)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(warn);
        foreach (ContainerPlan c in plan.Containers)
        {
            ContainerDefinition definition = pod.AllContainers.Single(d => d.Name == c.Name);
            string what = $"pod {pod.Name}: container {c.Name}";
            c.AppArmorProfile = AppArmor(what, pod, definition, host, appArmorLoaded, warn);
            c.SeLinuxLabel = SeLinux(what, pod, definition, host);
        }
    }

    private static string? AppArmor(string what, PodDefinition pod, ContainerDefinition c, HostLsm host, Func<string, bool> loaded, Action<string> warn)
    {
        AppArmorProfileRef? chosen = c.SecurityContext?.AppArmorProfile ?? pod.SecurityContext?.AppArmorProfile;
        if (chosen is null)
        {
            return host.AppArmor && c.SecurityContext?.Privileged != true ? AppArmorDefaultProfile.Name : null;
        }
        string origin = $"{pod.SourcePath}:{chosen.Line}:{chosen.Column}";
        switch (chosen.Type)
        {
            case AppArmorProfileType.Localhost when !host.AppArmor:
                throw new BadInputException($"{origin}: {what}",
                    $"appArmorProfile Localhost \"{chosen.LocalhostProfile}\": this host does not run AppArmor, so the profile cannot be applied");
            case AppArmorProfileType.Localhost when !loaded(chosen.LocalhostProfile!):
                throw new BadInputException($"{origin}: {what}",
                    $"appArmorProfile Localhost \"{chosen.LocalhostProfile}\": no AppArmor profile of that name is loaded (see /sys/kernel/security/apparmor/profiles; load it with apparmor_parser)");
            case AppArmorProfileType.Localhost:
                return chosen.LocalhostProfile;
            case AppArmorProfileType.Unconfined:
                if (!host.AppArmor)
                {
                    warn($"{origin}: {what}: appArmorProfile Unconfined: this host does not run AppArmor; nothing to do");
                }
                return null;
            default:
                if (!host.AppArmor)
                {
                    warn($"{origin}: {what}: appArmorProfile RuntimeDefault: this host does not run AppArmor; the container runs without an AppArmor profile");
                    return null;
                }
                return AppArmorDefaultProfile.Name;
        }
    }

    private static string? SeLinux(string what, PodDefinition pod, ContainerDefinition c, HostLsm host)
    {
        SeLinuxOptions? options = c.SecurityContext?.SeLinuxOptions ?? pod.SecurityContext?.SeLinuxOptions;
        if (options is null)
        {
            return null;
        }
        if (!host.SeLinux)
        {
            throw new BadInputException($"{pod.SourcePath}:{options.Line}:{options.Column}: {what}",
                "seLinuxOptions: this host does not run SELinux, so the label cannot be applied (remove seLinuxOptions to run without one)");
        }
        return $"{options.User ?? "system_u"}:{options.Role ?? "system_r"}:{options.Type ?? "container_t"}:{options.Level ?? "s0"}";
    }
}
