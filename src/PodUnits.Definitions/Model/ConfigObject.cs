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
/// <param name="Encrypted">Stored with systemd-creds (secrets/NAME.cred): decrypted in memory only.</param>
/// <param name="KeysKnown">False when an encrypted Secret was not decrypted (the generator
/// does not decrypt): its keys cannot be checked, only its existence.</param>
/// <param name="BinaryKeys">A ConfigMap's binaryData keys: files in volumes, but never
/// environment variables (the kubelet reads env from data only).</param>
public sealed record ConfigObject(ConfigObjectKind Kind, string Name, IReadOnlyDictionary<string, byte[]> Data, string Source,
    bool Encrypted = false, bool KeysKnown = true, IReadOnlySet<string>? BinaryKeys = null)
{
    /// <summary>Whether <paramref name="key"/> can be an environment variable's value.</summary>
    public bool IsEnvKey(string key) => Data.ContainsKey(key) && BinaryKeys?.Contains(key) != true;

    /// <summary>Whether <paramref name="value"/> can be an environment variable's as it is:
    /// UTF-8 text (a .NET string would replace what is not) without a NUL (execve ends a
    /// variable there).</summary>
    public static bool IsEnvText(byte[] value) =>
        value is not null && !value.AsSpan().Contains((byte)0) && System.Text.Unicode.Utf8.IsValid(value);

    /// <summary>"ConfigMap \"app-config\"" or "Secret \"db\"".</summary>
    public string Describe() => Describe(Kind, Name);

    public static string Describe(ConfigObjectKind kind, string name) => $"{kind} \"{name}\"";

    /// <summary>Why <paramref name="name"/> is not a valid object name (a DNS subdomain), or null.</summary>
    public static string? ExplainName(string name) => Names.ExplainObjectName(name);

    /// <summary>Whether <paramref name="path"/> is a standalone Secret's file (in a secrets
    /// directory): what is wrong in one is said by position only outside `podunits validate`,
    /// as a parser's message may quote a value, and a unit's status line or the kernel log is
    /// anybody's to read.</summary>
    public static bool IsSecretFile(string path) =>
        Path.GetFileName(Path.GetDirectoryName(path)) == Parsing.ConfigObjectCatalog.Directory(ConfigObjectKind.Secret);

    /// <summary>Why <paramref name="key"/> is not a valid key ([-._a-zA-Z0-9]+), or null.</summary>
    public static string? ExplainKey(string key) => Names.ExplainObjectKey(key);

    /// <summary>Secret values never appear in ToString (records print every property).</summary>
    public override string ToString() => $"{Describe()} from {Source} ({Data.Count} keys)";
}
