namespace PodUnits.Definitions;

/// <summary>The two kinds of configuration object a pod can refer to.</summary>
public enum ConfigObjectKind
{
    ConfigMap,
    Secret,
}

/// <summary>
/// A ConfigMap or Secret as a pod sees it: key to bytes (ConfigMap data and binaryData,
/// Secret data decoded from base64 and stringData). Where it came from is kept for messages:
/// on a host there is no API server, so objects live in the pod's own file (further YAML
/// documents, as `podman kube play` reads them) or in /etc/podunits/configmaps/NAME.yaml and
/// /etc/podunits/secrets/NAME.yaml (and the /run and /usr/lib layers).
/// </summary>
public sealed record ConfigObject(ConfigObjectKind Kind, string Name, IReadOnlyDictionary<string, byte[]> Data, string Source)
{
    /// <summary>"ConfigMap \"app-config\"" or "Secret \"db\"".</summary>
    public string Describe() => Describe(Kind, Name);

    public static string Describe(ConfigObjectKind kind, string name) => $"{kind} \"{name}\"";

    /// <summary>Secret values never appear in ToString (records print every property).</summary>
    public override string ToString() => $"{Describe()} from {Source} ({Data.Count} keys)";
}
