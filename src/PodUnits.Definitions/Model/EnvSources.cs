namespace PodUnits.Definitions;

/// <summary>env[].valueFrom: where a variable's value comes from instead of value.</summary>
public abstract record EnvSource;

/// <summary>configMapKeyRef or secretKeyRef: one key of an object. A missing optional
/// object or key leaves the variable unset, as the kubelet does.</summary>
public sealed record ObjectKeyRef(ConfigObjectKind Kind, string Name, string Key, bool Optional) : EnvSource;

/// <summary>fieldRef: a field of the pod (downward API), its path normalised to the form
/// Kubernetes writes, e.g. metadata.labels['app'].</summary>
/// status.podIP(s) of a pod with its own network is known only once the CNI plugins ran:
/// DownwardValues gives a placeholder that container-start replaces (NodeFacts.PodIPToken).
public sealed record PodFieldRef(string FieldPath) : EnvSource;

/// <summary>resourceFieldRef: a container's limit or request of cpu, memory or
/// ephemeral-storage, divided by <paramref name="Divisor"/> and rounded up (as the kubelet
/// does). <paramref name="Divisor"/> is in the resource's base unit: millicores for cpu,
/// bytes otherwise.</summary>
public sealed record ResourceFieldRef(string ContainerName, string Resource, long Divisor) : EnvSource;

/// <summary>envFrom[]: every key of an object as a variable, with an optional prefix.</summary>
public sealed record EnvFromSource(ConfigObjectKind Kind, string Name, string Prefix, bool Optional);
