namespace PodUnits.Definitions;

/// <summary>
/// A volume whose files PodUnits writes: configMap, secret, downwardAPI and projected
/// volumes are all this (a configMap volume is a projection of one ConfigMap, as Kubernetes'
/// own volume plugins treat them). <paramref name="DefaultMode"/> applies to files without a
/// mode of their own; Kubernetes' default is 0644.
/// </summary>
public sealed record ProjectedVolume(int DefaultMode, IReadOnlyList<ProjectionSource> Sources)
{
    public const int KubernetesDefaultMode = 0b110_100_100; // 0644

    /// <summary>A file path in the volume as the kubelet's atomic writer cleans it ("./a/" is "a").</summary>
    public static string CleanPath(string path) => Names.CleanVolumeFilePath(path);
}

/// <summary>One source of a projected volume: an object's keys (<paramref name="ObjectKind"/>
/// and <paramref name="Name"/>; all keys, or <paramref name="Items"/>)
/// or downward API fields (<paramref name="Fields"/>).</summary>
public sealed record ProjectionSource(
    ConfigObjectKind? ObjectKind, string? Name, bool Optional, IReadOnlyList<KeyToPath>? Items, IReadOnlyList<DownwardFile>? Fields);

/// <summary>items[]: key to a relative file path, with an optional mode.</summary>
public sealed record KeyToPath(string Key, string Path, int? Mode);

/// <summary>A downward API file: a pod field (<see cref="PodFieldRef"/>) or a container
/// resource (<see cref="ResourceFieldRef"/>).</summary>
public sealed record DownwardFile(string Path, EnvSource Field, int? Mode);
