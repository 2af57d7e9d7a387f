namespace PodUnits.Definitions.Host;

/// <summary>podunits.yaml's userNamespaces: what a pod that does not say spec.hostUsers gets.</summary>
public enum UserNamespacesDefault
{
    /// <summary>`host`: the pod shares the host's users unless it says hostUsers: false (Kubernetes' default).</summary>
    Host,

    /// <summary>`auto`: every pod without hostUsers and without hostNetwork gets a user namespace of its own.</summary>
    Auto,
}

/// <summary>
/// podunits.yaml's userNamespacePool: the host IDs PodUnits hands out to pods in user
/// namespaces, <see cref="RangeSize"/> to a pod (State/UserNamespaceRanges in the runtime).
/// The default is 524288..1879048191, the range systemd's docs/UIDS-GIDS.md sets aside for
/// container ID ranges (what systemd-nspawn --private-users=pick picks from); IDs from 2^31
/// up are never used, as that document advises.
/// </summary>
public sealed record UserNamespacePool(uint First, uint Size)
{
    /// <summary>The IDs one pod gets: 0..65535 inside its user namespace, as the kubelet and
    /// systemd-nspawn map them.</summary>
    public const uint RangeSize = 65536;

    /// <summary>The lowest host ID a pool may start at: 0..65535 are the host's own users.</summary>
    public const uint MinFirst = RangeSize;

    /// <summary>first + size may not pass 2^31: the upper half of the 32-bit range is avoided
    /// (systemd's UIDS-GIDS.md: some tools treat IDs as signed).</summary>
    public const uint End = 2147483648;

    public static readonly UserNamespacePool Default = new(524288, 1878523904);

    /// <summary>How many pods can hold a range at once.</summary>
    public int Count => (int)(Size / RangeSize);

    public override string ToString() => $"{First}-{(ulong)First + Size - 1}";
}
