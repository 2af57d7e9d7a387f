namespace PodUnits.Runtime.Network.Cni;

/// <summary>
/// One attachment of a network namespace to a network (the specification's "container"):
/// the key of the result cache and of every plugin's own state (host-local's lease files,
/// portmap's and the bridge's iptables comments hold the container ID).
/// </summary>
/// <param name="ContainerId">Unique per pod and stable across its restarts (the machine
/// ID), so a start after a crash finds and removes what the crashed run left.</param>
/// <param name="NetnsPath">The network namespace file; empty when it is gone (DEL only).</param>
/// <param name="IfName">The interface name inside the namespace.</param>
/// <param name="Args">CNI_ARGS pairs, as the kubelet passes them.</param>
public sealed record CniAttachment(string ContainerId, string NetnsPath, string IfName, IReadOnlyList<KeyValuePair<string, string>> Args)
{
    /// <summary>"IgnoreUnknown=1;K=V;...": plugins that do not know a key ignore it.</summary>
    public string ArgsText => string.Join(';', Args.Select(a => $"{a.Key}={a.Value}").Prepend("IgnoreUnknown=1"));
}
