using PodUnits.Core.Errors;
using PodUnits.Core.Linux;
using PodUnits.Definitions;

namespace PodUnits.Planning.Confinement;

/// <summary>
/// A container can only have the capabilities the executor's own bounding set still holds:
/// pod@.service drops CAP_SYS_MODULE and CAP_SYSLOG, and a container manager around systemd
/// may drop more. The container's start trims its set to that bounding set (asking the
/// kernel for more would fail the whole capset), which gave a container that asked for one
/// of them less than it asked, silently, to fail later with a bare EPERM. Kubernetes'
/// runtimes fail such a container instead (runc's capset); so does PodUnits, at the start,
/// naming the container and the capability. A privileged container, or `add: [ALL]`, asks
/// for everything there is and gets what the bounding set allows (docs/confinement.md).
/// </summary>
public static class CapabilityGrants
{
    /// <summary>What CapabilityBoundingSet= of units/pod@.service takes away (a unit test holds
    /// the two equal).</summary>
    public static readonly IReadOnlyList<string> DroppedByPodService = ["CAP_SYS_MODULE", "CAP_SYSLOG"];

    /// <summary>The bounding set a pod's service gets, as `podunits validate` sees it from a
    /// shell of this host: <paramref name="own"/> less what pod@.service drops.</summary>
    public static ulong PodServiceBoundingSet(ulong own) =>
        DroppedByPodService.Aggregate(own, (set, name) => set & ~(1UL << LinuxCapabilities.Number(name)));

    public static void Check(PodDefinition pod, ulong boundingSet)
    {
        ArgumentNullException.ThrowIfNull(pod);
        foreach (ContainerDefinition c in pod.AllContainers)
        {
            if (c.SecurityContext is not { Privileged: false } security || security.CapabilitiesAdd.Contains(LinuxCapabilities.All))
            {
                continue;
            }
            foreach (string name in security.CapabilitiesAdd)
            {
                int number = LinuxCapabilities.Number(name);
                if (number >= 0 && (boundingSet >> number & 1) == 0)
                {
                    throw new BadInputException($"pod {pod.Name}: container {c.Name}",
                        $"securityContext.capabilities.add: {name} cannot be granted: this host runs pods without it "
                        + "(CapabilityBoundingSet= of pod@.service, or a bounding set around systemd)");
                }
            }
        }
    }
}
