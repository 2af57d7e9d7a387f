using PodUnits.Core.Errors;
using PodUnits.Definitions;

using PodUnits.Runtime.Plan;

namespace PodUnits.Planning.Plan;

/// <summary>
/// Who a container's process is: its UID, primary GID and supplementary groups, from the
/// container's and the pod's securityContext over the image's USER, as containerd and the
/// kubelet decide it (docs/confinement.md, "Users and groups"); and the runAsNonRoot check,
/// which needs the image to know the effective user.
/// </summary>
public static class ContainerIdentity
{
    public sealed record Ids(uint Uid, uint Gid, List<uint> Groups);

    public static Ids Resolve(string what, PodDefinition pod, ContainerDefinition c, ContainerImage image)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(image);
        PodSecurityContext? podSecurity = pod.SecurityContext;
        long? runAsUser = c.SecurityContext?.RunAsUser ?? podSecurity?.RunAsUser;
        long? runAsGroup = c.SecurityContext?.RunAsGroup ?? podSecurity?.RunAsGroup;
        if (runAsUser is null && image.UserError is string unknown)
        {
            throw new BadInputException(what, $"image {image.Reference}: {unknown}; set runAsUser, or use an image whose USER it defines");
        }
        long uid = runAsUser ?? image.Uid ?? 0;
        // runAsUser without runAsGroup: the group /etc/passwd gives that UID in the image, else 0
        // (containerd's WithUserID; the Kubernetes documentation's `id` shows gid=0).
        long gid = runAsGroup ?? (runAsUser is long u ? (u == image.Uid ? image.Gid : ImageUser.PrimaryGroup(u, image.Accounts)) ?? 0 : image.Gid ?? 0);
        if ((c.SecurityContext?.RunAsNonRoot ?? podSecurity?.RunAsNonRoot) == true && uid == 0)
        {
            string source = runAsUser is not null ? "runAsUser is 0"
                : image.Uid is null ? $"image {image.Reference} names no USER, so it runs as root"
                : $"the USER of image {image.Reference} is root (UID 0)";
            throw new BadInputException(what, $"runAsNonRoot is true but {source}; set runAsUser to a non-zero UID or use an image with a non-root USER");
        }
        var groups = new List<long>();
        if (podSecurity?.SupplementalGroupsPolicy != SupplementalGroupsPolicy.Strict)
        {
            groups.AddRange(ImageUser.MemberGroups(uid, image.Accounts));
        }
        if (podSecurity?.FsGroup is long fsGroup)
        {
            groups.Add(fsGroup);
        }
        groups.AddRange(podSecurity?.SupplementalGroups ?? []);
        // Checked: every ID was range-checked where it came from (ImageUser.MaxId), and one that
        // wrapped would be root.
        return new Ids(checked((uint)uid), checked((uint)gid), [.. groups.Where(g => g != gid).Distinct().Select(g => checked((uint)g))]);
    }
}
