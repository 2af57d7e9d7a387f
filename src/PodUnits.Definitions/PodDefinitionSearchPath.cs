namespace PodUnits.Definitions;

/// <summary>Where pod definitions live (docs/design.md): /etc/podunits/pods, /run/podunits/pods,
/// /usr/lib/podunits/pods, searched in this order; the first NAME.yaml (or NAME.yml) wins, so
/// an admin's file overrides a package's. Within one directory .yaml wins over .yml.</summary>
public sealed class PodDefinitionSearchPath
{
    public static readonly IReadOnlyList<string> DefaultRoots = ["/etc/podunits/pods", "/run/podunits/pods", "/usr/lib/podunits/pods"];

    /// <summary>The default directories, for messages.</summary>
    public static string DefaultRootsText => string.Join(", ", DefaultRoots);

    public static readonly IReadOnlyList<string> Extensions = [".yaml", ".yml"];

    public static readonly PodDefinitionSearchPath Default = new(DefaultRoots);

    /// <summary>Roots other than the defaults are for tests (and --dir style overrides).</summary>
    public PodDefinitionSearchPath(IReadOnlyList<string> roots) => Roots = roots;

    public IReadOnlyList<string> Roots { get; }

    /// <summary>Whether <paramref name="file"/> sits directly in one of the roots, where its
    /// name is the pod's name.</summary>
    public bool Contains(string file)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(file));
        return Roots.Any(r => string.Equals(Path.GetFullPath(r).TrimEnd('/'), dir, StringComparison.Ordinal));
    }

    /// <summary>The SHA-256 (hex) of a definition file's bytes: what stage 0 records in a pod's
    /// plan and `podunits refresh` compares against, so both must hash the same way.</summary>
    public static string HashOf(string file) =>
        Convert.ToHexStringLower(Core.Identity.Sha256.HashData(
            Core.Files.BoundedFile.Read(file, LoadOptions.Default.MaxFileBytes, out string? refusal) ?? throw new Core.Errors.BadInputException(file, refusal!)));

    /// <summary>Whether <paramref name="file"/> is a package's: it sits in the last root
    /// (/usr/lib/podunits/pods), where packages install pods and systemd's presets apply.</summary>
    public bool IsPackaged(string file) =>
        Roots.Count > 0 && string.Equals(Path.GetFullPath(Roots[^1]).TrimEnd('/'), Path.GetDirectoryName(Path.GetFullPath(file)), StringComparison.Ordinal);

    /// <summary>The file that defines pod <paramref name="name"/>, or null. The name must already
    /// be a valid pod name (no '/', no "..").</summary>
    public string? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (IsHidden(name))
        {
            return null; // as All() sees it (below)
        }
        foreach (string root in Roots)
        {
            foreach (string ext in Extensions)
            {
                string candidate = Path.Combine(root, name + ext);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }
        return null;
    }

    /// <summary>Every pod name defined in any root, each with the file that wins for it,
    /// ordered by name (what the generator walks).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> All()
    {
        var found = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (string root in Roots)
        {
            if (!Directory.Exists(root))
            {
                continue;
            }
            foreach (string ext in Extensions)
            {
                foreach (string file in Directory.EnumerateFiles(root, "*" + ext).Where(f => !IsHidden(Path.GetFileName(f))).Order(StringComparer.Ordinal))
                {
                    found.TryAdd(PodDefinitionLoader.PodNameFromPath(file), file);
                }
            }
        }
        return [.. found];
    }

    /// <summary>The roots that are symbolic links to nothing, each with its target: a pods
    /// directory kept on a file system mounted after generators run (/srv, /home) is such a
    /// link at boot, and All() skips it as absent, so its pods lost their units and autostart
    /// without a word (generator review of 2026-12-07, finding 4).</summary>
    public IEnumerable<(string Root, string Target)> DanglingRoots()
    {
        foreach (string root in Roots)
        {
            // Directory.Exists follows the link (false when it leads nowhere); File.Exists
            // would say true of the dangling link itself.
            if (!Directory.Exists(root) && new FileInfo(root).LinkTarget is { } target)
            {
                yield return (root, target);
            }
        }
    }

    /// <summary>
    /// Hidden entries are no definitions, as systemd's conf_files_list skips them in unit and
    /// preset directories (UnitPresets copies that rule): an editor's lock (Emacs' .#web.yaml,
    /// a dangling symlink) or a hidden copy (.web.yaml, a partial file written before a
    /// rename) made the generator, and so every daemon-reload meanwhile, fail with "no such
    /// file" or an invalid name, and a package's refresh with it (generator review of
    /// 2026-12-07, finding 6). No pod name starts with '.', so no definition is lost.
    /// </summary>
    private static bool IsHidden(string fileName) => fileName.StartsWith('.');
}
