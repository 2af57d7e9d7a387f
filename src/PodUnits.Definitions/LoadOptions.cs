namespace PodUnits.Definitions;

/// <summary>How strict loading is about things that depend on where the file lives.</summary>
public sealed record LoadOptions
{
    public static readonly LoadOptions Default = new();

    /// <summary>docs/design.md: the pod is named after its file (pod@NAME finds NAME.yaml), so a
    /// metadata.name that differs is an error. Off only for manifests not yet installed under
    /// their pod name (e.g. Kubernetes documentation examples); then metadata.name wins.</summary>
    public bool RequireNameMatchesFile { get; init; } = true;

    /// <summary>With <see cref="RequireNameMatchesFile"/>: report a differing metadata.name as a
    /// warning that says how to install the file, and name the pod after metadata.name. For
    /// files outside the pod search path (`podunits validate`, `podunits run FILE`), where the
    /// name matters only once the file is installed.</summary>
    public bool NameMismatchIsWarning { get; init; }

    /// <summary>Where standalone ConfigMaps and Secrets are looked for, in order:
    /// ROOT/configmaps/NAME.yaml and ROOT/secrets/NAME.yaml (tests point it elsewhere).</summary>
    public IReadOnlyList<string> ObjectRoots { get; init; } = Parsing.ConfigObjectCatalog.DefaultRoots;

    /// <summary>Decrypts an encrypted Secret (secrets/NAME.cred): path and credential name to
    /// plaintext. Null: not decrypted (the generator, which runs before the system is up, only
    /// checks that the file exists). Tests put a fake here.</summary>
    public Func<string, string, string>? DecryptSecret { get; init; } = Parsing.EncryptedSecrets.Decrypt;

    /// <summary>The host's settings (allowedUnsafeSysctls). Null: read
    /// <see cref="Host.HostSettings.DefaultPath"/> at each load, so a changed file applies at
    /// the next validation, generator run or start. Tests pass their own.</summary>
    public Host.HostSettings? HostSettings { get; init; }

    /// <summary>Checks against this host that a start would make when it plans the pod
    /// (`podunits validate` sets them); null: none.</summary>
    public Host.HostChecks? HostChecks { get; init; }

    /// <summary>`podunits reload`: a ConfigMap, Secret or key that only an environment variable
    /// (env valueFrom, envFrom) names and that is missing is a warning, not an error. Reload
    /// changes volumes only; the environment is read at the next start, which will fail on it
    /// (the kubelet's CreateContainerConfigError), so that is what the warning says.</summary>
    public bool EnvReferencesAreWarnings { get; init; }

    /// <summary>The generator: a ConfigMap, Secret or key that the pod references and that is
    /// missing (or whose file is broken) is a warning, not an error. No unit setting depends on
    /// them, and they may come later than the generator: a Secret a boot service writes into
    /// /run/podunits/secrets, one the administrator creates after the package that ships the
    /// pod. The start fails on it while it is missing, as the kubelet's
    /// CreateContainerConfigError does; the pod keeps its unit settings and its autostart.</summary>
    public bool MissingObjectsAreWarnings { get; init; }

    /// <summary>Files larger than this are refused before parsing (a pod definition is a few KiB).</summary>
    public long MaxFileBytes { get; init; } = 1024 * 1024;
}
