using PodUnits.Definitions.Yaml;

namespace PodUnits.Definitions.Host;

/// <summary>
/// /etc/podunits/podunits.yaml: what an administrator decides for every pod on this host
/// (docs/host-settings.md). Read where definitions are validated, so the generator, `podunits
/// validate` and the executor's own check at start all apply the same settings. A missing
/// file means the defaults.
/// </summary>
public sealed record HostSettings
{
    public const string DefaultPath = "/etc/podunits/podunits.yaml";

    public static readonly HostSettings Default = new();

    /// <summary>The file the settings came from, named in messages that send people there.</summary>
    public string Source { get; init; } = DefaultPath;

    /// <summary>allowedUnsafeSysctls, in dot form: exact names, or prefixes ending in '*'
    /// (the kubelet's --allowed-unsafe-sysctls). Each is known to be namespaced.</summary>
    public IReadOnlyList<string> AllowedUnsafeSysctls { get; init; } = [];

    /// <summary>userNamespaces: whether a pod that does not say spec.hostUsers runs in a user
    /// namespace of its own (<see cref="UserNamespacesDefault.Auto"/>) or shares the host's
    /// users (<see cref="UserNamespacesDefault.Host"/>, the default).</summary>
    public UserNamespacesDefault UserNamespacesDefault { get; init; } = UserNamespacesDefault.Host;

    /// <summary>pidsLimit: TasksMax= of every container's scope, the most processes and
    /// threads it may have; 0 for none of PodUnits' own (systemd's DefaultTasksMax, 15% of
    /// the kernel's threads-max, then applies). The default is podman's pids_limit.</summary>
    public long PidsLimit { get; init; } = DefaultPidsLimit;

    public const long DefaultPidsLimit = 2048;

    /// <summary>userNamespacePool: the host IDs handed out to pods in user namespaces,
    /// <see cref="UserNamespacePool.RangeSize"/> to a pod.</summary>
    public UserNamespacePool UserNamespacePool { get; init; } = UserNamespacePool.Default;

    /// <summary>Errors in the file. Every pod loaded with these settings fails with them: the
    /// file decides how pods run, so a broken one must not be silently replaced by defaults.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; init; } = [];

    /// <summary>Whether a namespaced sysctl (dot form) is allowed by <see cref="AllowedUnsafeSysctls"/>.</summary>
    public bool AllowsUnsafeSysctl(string normalized) =>
        AllowedUnsafeSysctls.Any(p => p.EndsWith('*') ? normalized.StartsWith(p[..^1], StringComparison.Ordinal) : normalized == p);

    /// <summary>The largest settings file read.</summary>
    public const long MaxBytes = 1024 * 1024;

    /// <summary>Reads <paramref name="path"/>; a missing file gives the defaults.</summary>
    public static HostSettings Load(string path = DefaultPath)
    {
        try
        {
            if (!File.Exists(path))
            {
                return Default with { Source = path };
            }
            // Bounded, as definitions are read: a FIFO or /dev/zero here would hang or fill
            // the memory of the generator and every start (definitions review, finding 10).
            if (YamlText.Read(path, MaxBytes, out TextRefusal? refusal) is not { } text)
            {
                TextRefusal why = refusal!.Value;
                return Default with { Source = path, Diagnostics = [new Diagnostic(Severity.Error, path, why.Line, why.Column, why.Message)] };
            }
            return Parse(text, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Default with { Source = path, Diagnostics = [new Diagnostic(Severity.Error, path, 1, 1, $"cannot be read: {e.Message}")] };
        }
    }

    /// <summary>Parses the text of a settings file named <paramref name="path"/>.</summary>
    public static HostSettings Parse(string text, string path) => HostSettingsReader.Read(text, path);
}
