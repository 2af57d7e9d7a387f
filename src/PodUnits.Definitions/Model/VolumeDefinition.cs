namespace PodUnits.Definitions;

/// <summary>spec.volumes[]: exactly one of <see cref="HostPath"/>, <see cref="EmptyDir"/> or
/// <see cref="Projected"/> (configMap, secret, downwardAPI, projected) or <see cref="Claim"/>; a volume with no
/// source is an emptyDir, as Kubernetes defaults it.</summary>
public sealed record VolumeDefinition(string Name, HostPathVolume? HostPath, EmptyDirVolume? EmptyDir, ProjectedVolume? Projected = null,
    ClaimVolume? Claim = null);

/// <summary>persistentVolumeClaim: a named volume that outlives the pod, like podman's named
/// volumes: the directory /var/lib/podunits/volumes/CLAIM, created when first used, removed
/// only by `podunits volume rm` (docs/configuration.md).</summary>
public sealed record ClaimVolume(string ClaimName, bool ReadOnly)
{
    public const string Root = "/var/lib/podunits/volumes";

    public string HostPath => $"{Root}/{ClaimName}";

    /// <summary>Why <paramref name="name"/> is not a valid claim name (a DNS subdomain, so a
    /// safe directory name), or null.</summary>
    public static string? ExplainName(string name) => Names.ExplainObjectName(name);
}

/// <summary>hostPath.type as Kubernetes spells it; "" (no check) is <see cref="HostPathType.Unset"/>.</summary>
public enum HostPathType
{
    Unset,
    DirectoryOrCreate,
    Directory,
    FileOrCreate,
    File,
    Socket,
    CharDevice,
    BlockDevice,
}

public sealed record HostPathVolume(string Path, HostPathType Type);

/// <summary>emptyDir: on disk, or a tmpfs when <see cref="InMemory"/> (medium: Memory).</summary>
public sealed record EmptyDirVolume(bool InMemory, long? SizeLimitBytes);
