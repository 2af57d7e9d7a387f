using PodUnits.Core.Files;
using PodUnits.Definitions.Host;
using PodUnits.Definitions.Parsing;
using PodUnits.Definitions.Yaml;

namespace PodUnits.Definitions;

/// <summary>
/// Reads a pod definition file into a validated <see cref="PodDefinition"/>. Never throws for
/// bad input: every problem (unreadable file, YAML syntax, unknown or unsupported fields,
/// wrong values) is a <see cref="Diagnostic"/>, and all of a file's problems come out in one
/// run, sorted by position.
/// </summary>
public static class PodDefinitionLoader
{
    public static LoadResult LoadFile(string path, LoadOptions? options = null)
    {
        options ??= LoadOptions.Default;
        string text;
        try
        {
            if (!Path.Exists(path))
            {
                return Fail(path, "no such file");
            }
            if (Directory.Exists(path))
            {
                return Fail(path, "is a directory, not a pod definition file");
            }
            if (YamlText.Read(path, options.MaxFileBytes, out TextRefusal? refusal) is not { } read)
            {
                TextRefusal why = refusal!.Value;
                LoadResult failed = Fail(path, why.Message.StartsWith("is larger", StringComparison.Ordinal)
                    ? $"is too large for a pod definition (at most {options.MaxFileBytes} bytes)" : why.Message, why.Line, why.Column);
                // The byte named may be one of a Secret's value in this file: kept out of the
                // journal and the unit's status line as any diagnostic in a Secret's document.
                return why.Text is null ? failed : failed with { Diagnostics = SecretDocuments.Mark(failed.Diagnostics, path, why.Text, []) };
            }
            text = read;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(path, $"cannot be read: {e.Message}");
        }
        return LoadText(text, path, options, othersCanRead: FileExposure.EveryUserCanRead(path));
    }

    /// <summary>Parses <paramref name="text"/> as if it were the file <paramref name="path"/>
    /// (the file name gives the pod name). <paramref name="othersCanRead"/>: every user of the
    /// host can read the file, so a Secret in it is warned about.</summary>
    public static LoadResult LoadText(string text, string path, LoadOptions? options = null, bool othersCanRead = false)
    {
        options ??= LoadOptions.Default;
        var ctx = new ParseContext(path, options.HostChecks) { EnvReferencesAreWarnings = options.EnvReferencesAreWarnings, MissingObjectsAreWarnings = options.MissingObjectsAreWarnings };
        if (text.Length > options.MaxFileBytes)
        {
            return Fail(path, $"is too large for a pod definition ({text.Length} characters; at most {options.MaxFileBytes})");
        }
        IReadOnlyList<YNode> documents = YamlTreeReader.ReadAll(text, out IReadOnlyList<YamlProblem> problems);
        foreach (YamlProblem p in problems)
        {
            ctx.Error(p.Line, p.Column, p.Message);
        }
        var catalog = new ConfigObjectCatalog(options.ObjectRoots, ConfigObjectCatalog.MaxObjectFileBytes(options.MaxFileBytes), options.DecryptSecret);
        YNode? podDocument = PodDocument(documents, ctx, catalog, othersCanRead);
        HostSettings settings = options.HostSettings ?? HostSettings.Load();
        PodDefinition? pod = podDocument is null ? null : PodMapper.Map(podDocument, ctx, path, PodNameFromPath(path), options, catalog, settings);
        // Where a missing object is a warning (the generator; env references on reload), so is
        // a broken object file: the reference to it then says the object is not there, as for
        // a missing one. As errors they dropped the pod's unit settings and autostart at the
        // next daemon-reload, which LoadOptions promises a broken file does not (config review
        // of 2026-12-06, finding 1).
        bool lenient = options.MissingObjectsAreWarnings || options.EnvReferencesAreWarnings;
        IReadOnlyList<Diagnostic> foreign = [.. settings.Diagnostics,
            .. catalog.ForeignDiagnostics.Select(d => lenient && d.IsError ? d with { Severity = Severity.Warning } : d)];
        IReadOnlyList<Diagnostic> diagnostics = SecretDocuments.Mark([.. ctx.Sorted(), .. foreign], path, text, documents);
        bool valid = !ctx.HasErrors && !foreign.Any(d => d.IsError);
        return new LoadResult(valid ? pod : null, diagnostics);
    }

    /// <summary>A PersistentVolumeClaim next to the pod, as `podman kube play` accepts it: checked,
    /// then nothing more; the volume is created when a pod first mounts the claim.</summary>
    private static void ClaimDocument(YNode document, ParseContext ctx)
    {
        if (ctx.Object(document, "", KubernetesFields.PersistentVolumeClaim) is not Fields top)
        {
            return;
        }
        if (top.Child("metadata", KubernetesFields.Metadata) is Fields metadata)
        {
            EnvSourceMapper.ObjectName(metadata, "name", "PersistentVolumeClaim");
        }
        if (top.Child("spec", KubernetesFields.PersistentVolumeClaimSpec) is Fields spec)
        {
            AccessModes(spec, ctx);
            if (spec.String("volumeMode") is string mode && mode != "Filesystem")
            {
                ctx.Error(spec.Value("volumeMode")!, $"spec.volumeMode: only Filesystem is supported (a claim is a directory), found \"{mode}\"");
            }
        }
    }

    /// <summary>The API's four access modes, checked as the API server checks them. A named
    /// volume is one host directory: every mode is what a directory gives, but
    /// ReadWriteOncePod (one pod at a time) is not enforced, which a warning says.</summary>
    private static readonly string[] KnownAccessModes = ["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"];

    private static void AccessModes(Fields spec, ParseContext ctx)
    {
        if (spec.Value("accessModes") is not YSequence items || spec.StringList("accessModes") is null)
        {
            return;
        }
        for (int i = 0; i < items.Items.Count; i++)
        {
            if (items.Items[i] is not YScalar { IsNull: false } item)
            {
                continue; // StringList said so
            }
            if (!KnownAccessModes.Contains(item.Value, StringComparer.Ordinal))
            {
                ctx.Error(item, $"spec.accessModes[{i}]: \"{item.Value}\" is not an access mode ({string.Join(", ", KnownAccessModes)})"
                    + Suggest.Hint(item.Value, KnownAccessModes));
            }
            else if (item.Value == "ReadWriteOncePod")
            {
                ctx.Warning(item, $"spec.accessModes[{i}]: ReadWriteOncePod is not enforced: every pod that names the claim mounts it, running or not");
            }
        }
    }

    /// <summary>
    /// A definition file holds one Pod and, as `podman kube play` accepts, any ConfigMaps and
    /// Secrets it uses, as further YAML documents in any order. They go into the catalog
    /// before the pod is mapped, so references to them are checked.
    /// </summary>
    private static YNode? PodDocument(IReadOnlyList<YNode> documents, ParseContext ctx, ConfigObjectCatalog catalog, bool othersCanRead)
    {
        YNode? pod = null;
        foreach (YNode document in documents)
        {
            string? kind = ConfigObjectCatalog.DocumentKind(document);
            if (kind is "Pod" || documents.Count == 1)
            {
                if (pod is not null)
                {
                    ctx.Error(document, $"a second Pod in one file (the first is at line {pod.Line}); a definition file holds one Pod");
                    continue;
                }
                pod = document; // the mapper reports a missing or wrong kind
            }
            else if (kind is not null && ConfigObjectMapper.KindOf(kind) is ConfigObjectKind objectKind)
            {
                if (ConfigObjectMapper.Map(document, objectKind, ctx, nameFromFile: null) is ConfigObject o && !catalog.AddFromPodFile(o))
                {
                    ctx.Error(document, $"{o.Describe()} is defined twice in this file");
                }
                else if (objectKind == ConfigObjectKind.Secret && othersCanRead)
                {
                    ctx.Warning(document, "this Secret is in a file every user of this host can read; chmod 600 the file, " +
                        "or keep the Secret in /etc/podunits/secrets ('podunits secret create', root's only)");
                }
            }
            else if (kind is "PersistentVolumeClaim")
            {
                ClaimDocument(document, ctx);
            }
            else
            {
                ctx.Error(document, (kind is null ? "this document has no kind" : $"kind: \"{kind}\" cannot be in a pod definition file") +
                    "; a definition file holds one Pod and the ConfigMaps, Secrets and PersistentVolumeClaims it uses");
            }
        }
        if (pod is null && documents.Count > 0 && !ctx.HasErrors)
        {
            ctx.Error(documents[0], "no Pod in this file; a definition file holds one Pod (kind: Pod) and the ConfigMaps and Secrets it uses");
        }
        return pod;
    }

    /// <summary>The pod name a file stands for: its name without .yaml or .yml.</summary>
    public static string PodNameFromPath(string path)
    {
        string file = Path.GetFileName(path);
        foreach (string ext in PodDefinitionSearchPath.Extensions)
        {
            if (file.EndsWith(ext, StringComparison.Ordinal) && file.Length > ext.Length)
            {
                return file[..^ext.Length];
            }
        }
        return file;
    }

    private static LoadResult Fail(string path, string why, int line = 1, int column = 1) =>
        new(null, [new Diagnostic(Severity.Error, path, line, column, why)]);
}
