using System.Globalization;
using PodUnits.Core.Native;
using PodUnits.Runtime.Plan;

namespace PodUnits.Runtime.Container;

/// <summary>
/// A pod's user namespace as container-start sees it while it builds a container's root, still
/// as host root (docs/user-namespaces.md). The pod init created the namespace and passed its
/// descriptor (<see cref="DescriptorVariable"/>). Nothing is chowned on the start path:
/// <list type="bullet">
/// <item>image layers, and every volume whose files the pod does not own (configuration,
/// persistentVolumeClaim, hostPath) and the shared /etc files, are idmapped mounts: host ID x
/// appears as x inside, so image files keep the image's owners;</item>
/// <item>what belongs to this pod alone, the writable layer and emptyDir, holds the mapped host
/// IDs on disk (its top directory is the namespace root's), so a container's files appear
/// under the pod's range from the host, as systemd-nspawn --private-users leaves them;</item>
/// <item>fresh tmpfs mounts (/dev, and the pod's /dev/shm) belong to the namespace root.</item>
/// </list>
/// </summary>
internal sealed class ContainerUsers(IdMapping mapping, int namespaceFd, IReadOnlyCollection<string> podOwned)
{
    /// <summary>The pod init tells container-start where the namespace's descriptor is.</summary>
    public const string DescriptorVariable = "PODUNITS_USERNS_FD";

    public IdMapping Mapping { get; } = mapping;
    public int NamespaceFd { get; } = namespaceFd;
    /// <summary>The host ID of the namespace's root (uid and gid 0 inside).</summary>
    public uint Root => Mapping.HostFirst;

    /// <summary>The pod's users for container-start, or null when the pod shares the host's.</summary>
    public static ContainerUsers? Of(PodPlan pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        if (pod.Users is not { } mapping)
        {
            return null;
        }
        string? fd = Environment.GetEnvironmentVariable(DescriptorVariable);
        return int.TryParse(fd, NumberStyles.None, CultureInfo.InvariantCulture, out int n)
            ? new ContainerUsers(mapping, n, [.. pod.EmptyDirs.Select(v => v.Path)])
            : throw new Core.Errors.PodUnitsException($"pod {pod.Name}", $"has a user namespace but container-start got no {DescriptorVariable}");
    }

    /// <summary>The user namespace to idmap a bind of <paramref name="source"/> through, or -1
    /// for the pod's own volumes, whose files already hold mapped IDs.</summary>
    public int IdmapFor(string source) => podOwned.Contains(source) ? -1 : NamespaceFd;

    /// <summary>tmpfs options that give a fresh mount to the namespace's root.</summary>
    public static string TmpfsOwner(ContainerUsers? users) => TmpfsOwner(users?.Mapping);

    /// <summary>The same for the pod's mapping (the pod init's tmpfs mounts).</summary>
    public static string TmpfsOwner(IdMapping? mapping) =>
        mapping is null ? "" : string.Create(CultureInfo.InvariantCulture, $",uid={mapping.HostFirst},gid={mapping.HostFirst}");

    /// <summary>devpts' gid=5 (tty), as the namespace sees it.</summary>
    public static uint TtyGroup(ContainerUsers? users) => users is null ? 5 : users.Mapping.ToHost(5);

    /// <summary>
    /// overlayfs' lowerdir over idmapped copies of the image's layers (Linux 5.19: overlayfs
    /// accepts idmapped lower layers), attached under <paramref name="staging"/> in this
    /// process's mount namespace, which pivot_root leaves behind. One open_tree and
    /// mount_setattr per layer: microseconds, where a chown of the layers would be seconds and
    /// a copy of the image per range.
    /// </summary>
    public IReadOnlyList<string> IdmappedLowerDirs(IReadOnlyList<string> layers, string staging)
    {
        ArgumentNullException.ThrowIfNull(layers);
        var mapped = new string[layers.Count];
        for (int i = 0; i < layers.Count; i++)
        {
            mapped[i] = $"{staging}/{i.ToString(CultureInfo.InvariantCulture)}";
            Directory.CreateDirectory(mapped[i]);
            Mount.BindAt(layers[i], mapped[i], LibcExtra.MOUNT_ATTR_NODEV, NamespaceFd);
        }
        return mapped;
    }

    /// <summary>The writable layer's top directory belongs to the namespace's root: overlayfs
    /// shows the upper directory's owner as the root's, and the container's root must own its /.</summary>
    public void OwnUpperLayer(string upper) => Check.Io(LibcExtra.lchown(upper, Root, Root), "lchown", upper);
}
