using PodUnits.Definitions.Yaml;

namespace PodUnits.Definitions.Parsing;

/// <summary>
/// configMap, secret, downwardAPI and projected volumes, all mapped to one
/// <see cref="ProjectedVolume"/>: the sources, their items (key or field to a relative path,
/// with a mode) and the volume's defaultMode. References are checked against the
/// <see cref="ConfigObjectCatalog"/>; items naming a key the object lacks are errors unless the
/// source is optional. Two items writing the same path are refused, as the API server does.
/// </summary>
internal sealed class ProjectedVolumeMapper(ParseContext ctx, ConfigObjectCatalog catalog, ICollection<string> containerNames)
{
    private const string NoCluster = "needs a Kubernetes API server to issue it, and PodUnits runs pods without one";

    public ProjectedVolume? ConfigMap(Fields f) =>
        Single(f, ObjectSource(f, "name", ConfigObjectKind.ConfigMap, NewPaths()));

    public ProjectedVolume? Secret(Fields f) =>
        Single(f, ObjectSource(f, "secretName", ConfigObjectKind.Secret, NewPaths()));

    public ProjectedVolume? DownwardApi(Fields f) =>
        Single(f, DownwardSource(f, NewPaths()));

    /// <summary>The files a volume's items write so far, cleaned ("./a" and "a/" being "a"):
    /// as the API server validates a projected volume, no two items (of items lists and
    /// downwardAPI) name the same file. Keys projected whole may overlap (the later source
    /// wins), and a file inside another is refused when planned. Checked as each item is
    /// mapped, so the error is at the item that repeats a file, not at the volume
    /// (definitions review of 2026-12-07, finding 10).</summary>
    private static HashSet<string> NewPaths() => new(StringComparer.Ordinal);

    public ProjectedVolume? Projected(Fields f)
    {
        var sources = new List<ProjectionSource>();
        HashSet<string> paths = NewPaths();
        ContainerMapper.ForEachObject(f, "sources", KubernetesFields.VolumeProjection, (s, p) =>
        {
            string[] kinds = [.. s.Node.Entries.Select(e => (e.Key as YScalar)?.Value ?? "").Where(s.Present)];
            if (kinds.Length != 1)
            {
                ctx.Error(s.Node, $"{p}: must have exactly one of configMap, secret, downwardAPI{(kinds.Length == 0 ? "" : $", found {string.Join(" and ", kinds)}")}");
                return;
            }
            ProjectionSource? source = kinds[0] switch
            {
                "configMap" => s.Child("configMap", KubernetesFields.ObjectProjection) is Fields c ? ObjectSource(c, "name", ConfigObjectKind.ConfigMap, paths) : null,
                "secret" => s.Child("secret", KubernetesFields.ObjectProjection) is Fields c ? ObjectSource(c, "name", ConfigObjectKind.Secret, paths) : null,
                "downwardAPI" => s.Child("downwardAPI", KubernetesFields.DownwardApiProjection) is Fields c ? DownwardSource(c, paths) : null,
                _ => Refuse(s, kinds[0]),
            };
            if (source is not null)
            {
                sources.Add(source);
            }
        });
        if (!f.Present("sources"))
        {
            f.Missing("sources");
        }
        return new ProjectedVolume(f.Mode("defaultMode") ?? ProjectedVolume.KubernetesDefaultMode, sources);
    }

    private ProjectionSource? Refuse(Fields s, string kind)
    {
        ctx.Error(s.Value(kind) ?? s.Node, $"{s.PathOf(kind)}: a {kind} projection {NoCluster}");
        return null;
    }

    private static ProjectedVolume? Single(Fields f, ProjectionSource? source)
    {
        int mode = f.Mode("defaultMode") ?? ProjectedVolume.KubernetesDefaultMode;
        return source is null ? null : new ProjectedVolume(mode, [source]);
    }

    private ProjectionSource? ObjectSource(Fields f, string nameField, ConfigObjectKind kind, HashSet<string> paths)
    {
        bool optional = f.Boolean("optional") ?? false;
        if (EnvSourceMapper.ObjectName(f, nameField, kind) is not string name)
        {
            return null;
        }
        ConfigObject? found = EnvSourceMapper.Find(f, nameField, kind, name, optional, catalog);
        var items = new List<KeyToPath>();
        ContainerMapper.ForEachObject(f, "items", KubernetesFields.KeyToPath, (i, p) =>
        {
            string? key = i.RequiredString("key");
            string? path = FilePath(i, paths);
            int? mode = i.Mode("mode");
            if (key is null || path is null)
            {
                return;
            }
            if (found is { KeysKnown: true } && !found.Data.ContainsKey(key) && !optional)
            {
                ctx.ObjectReferenceProblem(i.Value("key")!, $"{p}.key: {found.Describe()} ({found.Source}) has no key \"{key}\"; add it, or set optional: true" +
                    Suggest.Hint(key, found.Data.Keys), missing: true);
            }
            items.Add(new KeyToPath(key, path, mode));
        });
        // An empty list projects every key, as the kubelet reads it (len(items) == 0).
        return new ProjectionSource(kind, name, optional, items.Count > 0 ? items : null, null);
    }

    private ProjectionSource DownwardSource(Fields f, HashSet<string> paths)
    {
        var files = new List<DownwardFile>();
        ContainerMapper.ForEachObject(f, "items", KubernetesFields.DownwardApiFile, (i, p) =>
        {
            string? path = FilePath(i, paths);
            int? mode = i.Mode("mode");
            if (i.Present("fieldRef") == i.Present("resourceFieldRef"))
            {
                ctx.Error(i.Node, $"{p}: must have exactly one of fieldRef and resourceFieldRef");
                return;
            }
            EnvSource? field = i.Present("fieldRef")
                ? i.Child("fieldRef", KubernetesFields.FieldSelector) is Fields r ? DownwardApiMapper.FieldRef(r, forVolume: true) : null
                : i.Child("resourceFieldRef", KubernetesFields.ResourceFieldSelector) is Fields rr ? DownwardApiMapper.ResourceFieldRef(rr, null, containerNames) : null;
            if (path is not null && field is not null)
            {
                files.Add(new DownwardFile(path, field, mode));
            }
        });
        return new ProjectionSource(null, null, false, null, files);
    }

    /// <summary>An item's path, checked, and added to <paramref name="paths"/>; null after
    /// an error.</summary>
    private static string? FilePath(Fields item, HashSet<string> paths)
    {
        string? path = item.RequiredString("path");
        if (path is not null && (Names.ExplainVolumeFilePath(path) ?? (Names.CleanVolumeFilePath(path).Length == 0 ? "names the volume itself, not a file in it" : null)) is string why)
        {
            item.Context.Error(item.Value("path")!, $"{item.PathOf("path")}: \"{path}\" {why}");
            return null;
        }
        if (path is not null && !paths.Add(Names.CleanVolumeFilePath(path)))
        {
            item.Context.Error(item.Value("path")!, $"{item.PathOf("path")}: another item of this volume writes the file \"{path}\" too");
            return null;
        }
        return path;
    }
}
