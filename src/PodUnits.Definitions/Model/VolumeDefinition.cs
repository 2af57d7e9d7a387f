namespace PodUnits.Definitions;

/// <summary>spec.volumes[]: exactly one of <see cref="HostPath"/>, <see cref="EmptyDir"/> or
/// <see cref="Projected"/> (configMap, secret, downwardAPI, projected); a volume with no
/// source is an emptyDir, as Kubernetes defaults it.</summary>
public sealed record VolumeDefinition(string Name, HostPathVolume? HostPath, EmptyDirVolume? EmptyDir, ProjectedVolume? Projected = null);

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
