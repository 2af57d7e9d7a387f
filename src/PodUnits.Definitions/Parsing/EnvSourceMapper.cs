using PodUnits.Definitions.Yaml;

namespace PodUnits.Definitions.Parsing;

/// <summary>
/// env[].valueFrom and envFrom[], with every ConfigMap and Secret reference checked against
/// the <see cref="ConfigObjectCatalog"/>: a missing object or key is an error at the
/// reference unless it is optional, as the kubelet refuses to start such a container.
/// </summary>
internal sealed class EnvSourceMapper(ParseContext ctx, ConfigObjectCatalog catalog, string containerName, ICollection<string> containerNames)
{
    private static readonly string[] Sources = ["configMapKeyRef", "secretKeyRef", "fieldRef", "resourceFieldRef"];

    /// <summary>valueFrom: exactly one source.</summary>
    public EnvSource? ValueFrom(Fields env)
    {
        // An empty value beside valueFrom is allowed, as the API server allows it (a
        // chart's unset value); only a non-empty one conflicts.
        if (env.Value("value") is YNode value && value is not YScalar { Value: "" })
        {
            ctx.Error(env.Value("valueFrom")!, $"{env.PathOf("valueFrom")}: a variable has value or valueFrom, not both");
            return null;
        }
        if (env.Child("valueFrom", KubernetesFields.EnvVarSource) is not Fields from)
        {
            return null;
        }
        // A source written as null is none (finding 6 of the definitions review of
        // 2026-12-07): counted, it passed this check and the variable was dropped.
        string[] present = [.. Sources.Where(from.Present)];
        if (present.Length != 1)
        {
            ctx.Error(from.Node, $"{from.Path}: must have exactly one of configMapKeyRef, secretKeyRef, fieldRef, resourceFieldRef" +
                (present.Length == 0 ? "" : $", found {string.Join(" and ", present)}"));
            return null;
        }
        return present[0] switch
        {
            "configMapKeyRef" => KeyRef(from.Child("configMapKeyRef", KubernetesFields.KeySelector), ConfigObjectKind.ConfigMap),
            "secretKeyRef" => KeyRef(from.Child("secretKeyRef", KubernetesFields.KeySelector), ConfigObjectKind.Secret),
            "fieldRef" => from.Child("fieldRef", KubernetesFields.FieldSelector) is Fields f ? DownwardApiMapper.FieldRef(f, forVolume: false) : null,
            _ => from.Child("resourceFieldRef", KubernetesFields.ResourceFieldSelector) is Fields r
                ? DownwardApiMapper.ResourceFieldRef(r, containerName, containerNames)
                : null,
        };
    }

    private ObjectKeyRef? KeyRef(Fields? f, ConfigObjectKind kind)
    {
        if (f is null)
        {
            return null;
        }
        string? name = ObjectName(f, "name", kind);
        string? key = f.RequiredString("key");
        bool optional = f.Boolean("optional") ?? false;
        if (key is not null && Names.ExplainObjectKey(key) is string why)
        {
            ctx.Error(f.Value("key")!, $"{f.PathOf("key")}: \"{key}\" is not a valid key: {why}");
            return null;
        }
        if (name is null || key is null)
        {
            return null;
        }
        ConfigObject? found = Find(f, "name", kind, name, optional);
        if (found is { KeysKnown: true } && !found.IsEnvKey(key) && !optional)
        {
            bool inBinaryData = found.Data.ContainsKey(key);
            ctx.EnvReferenceProblem(f.Value("key")!, inBinaryData
                ? $"{f.PathOf("key")}: {found.Describe()} ({found.Source}) has \"{key}\" in binaryData; an environment variable takes a data key only, as in Kubernetes"
                : $"{f.PathOf("key")}: {found.Describe()} ({found.Source}) has no key \"{key}\"; add it, or set optional: true" + Suggest.Hint(key, found.Data.Keys),
                missing: !inBinaryData);
        }
        else if (found is { KeysKnown: true } && found.IsEnvKey(key) && found.Data.TryGetValue(key, out byte[]? value) && !ConfigObject.IsEnvText(value))
        {
            // A variable is text up to its first NUL: invalid UTF-8 became U+FFFD and a NUL
            // cut it short, so a random binary key reached the container as another key
            // (config review of 2026-12-06, finding 3). The value itself is never quoted.
            string problem = $"{f.PathOf("key")}: the value of \"{key}\" in {found.Describe()} ({found.Source}) is not UTF-8 text "
                + "or holds a NUL byte, which an environment variable cannot carry unchanged; mount it as a file instead";
            if (ctx.MissingObjectsAreWarnings)
            {
                ctx.Warning(f.Value("key")!, problem + " (a start fails on this)"); // the generator: nothing is missing
            }
            else
            {
                ctx.EnvReferenceProblem(f.Value("key")!, problem);
            }
        }
        return new ObjectKeyRef(kind, name, key, optional);
    }

    /// <summary>envFrom[]: configMapRef or secretRef, with a prefix.</summary>
    public List<EnvFromSource> EnvFrom(Fields container)
    {
        var result = new List<EnvFromSource>();
        ContainerMapper.ForEachObject(container, "envFrom", KubernetesFields.EnvFromSource, (e, p) =>
        {
            string prefix = e.String("prefix") ?? "";
            if (prefix.Length > 0 && Names.ExplainEnvName(prefix) is string why)
            {
                ctx.Error(e.Value("prefix")!, $"{p}.prefix: \"{prefix}\" is not a valid start of a variable name: {why}");
            }
            if (e.Present("configMapRef") == e.Present("secretRef"))
            {
                ctx.Error(e.Node, $"{p}: must have exactly one of configMapRef and secretRef");
                return;
            }
            ConfigObjectKind kind = e.Present("secretRef") ? ConfigObjectKind.Secret : ConfigObjectKind.ConfigMap;
            if (e.Child(kind == ConfigObjectKind.Secret ? "secretRef" : "configMapRef", KubernetesFields.ObjectReference) is not Fields r
                || ObjectName(r, "name", kind) is not string name)
            {
                return;
            }
            bool optional = r.Boolean("optional") ?? false;
            Find(r, "name", kind, name, optional);
            result.Add(new EnvFromSource(kind, name, prefix, optional));
        });
        return result;
    }

    /// <summary>The object name in <paramref name="field"/>, checked, or null.</summary>
    public static string? ObjectName(Fields f, string field, ConfigObjectKind kind) => ObjectName(f, field, kind.ToString());

    /// <summary>The name of an object of <paramref name="kind"/> (a DNS subdomain, so also a
    /// safe file name) in <paramref name="field"/>, or null after reporting why not.</summary>
    public static string? ObjectName(Fields f, string field, string kind)
    {
        if (f.RequiredString(field) is not string name)
        {
            return null;
        }
        if (Names.ExplainObjectName(name) is string why)
        {
            f.Context.Error(f.Value(field)!, $"{f.PathOf(field)}: \"{name}\" is not a valid {kind} name: {why}");
            return null;
        }
        return name;
    }

    /// <summary>Looks <paramref name="name"/> up; a missing required object is an error at the name.</summary>
    public static ConfigObject? Find(Fields f, string field, ConfigObjectKind kind, string name, bool optional, ConfigObjectCatalog catalog) =>
        Find(f, field, kind, name, optional, catalog, f.Context.ObjectReferenceProblem);

    /// <summary>How <see cref="Find(Fields, string, ConfigObjectKind, string, bool, ConfigObjectCatalog, Report)"/>
    /// reports: where, what, and whether the object is only missing (it may come).</summary>
    private delegate void Report(YNode at, string message, bool missing);

    /// <summary>The object <paramref name="name"/> of <paramref name="kind"/>, or null after
    /// reporting through <paramref name="report"/> why it is missing (unless optional).</summary>
    private static ConfigObject? Find(Fields f, string field, ConfigObjectKind kind, string name, bool optional, ConfigObjectCatalog catalog,
        Report report)
    {
        ConfigObject? found = catalog.Find(kind, name, out string lookedIn);
        if (found is null && catalog.InvalidFile(kind, name) is { } invalid)
        {
            // There but broken: optional or not, the file needs fixing, not creating. A
            // failed start or reload shows one line, so it carries the file's first error
            // (tour G: only `validate` named it). Of a Secret only where: the message may
            // quote a value (an unquoted password that YAML reads as an alias), and the line
            // goes to the unit's status, which every user may read. Of an encrypted one
            // nothing but that it cannot be decrypted (a new host key, a cleared TPM), which
            // quotes systemd-creds, not the plaintext: what is wrong inside it is the
            // plaintext's business.
            Diagnostic? e = catalog.FirstError(invalid);
            if (invalid.EndsWith(EncryptedSecrets.Extension, StringComparison.Ordinal))
            {
                report(f.Value(field)!, e is not null && SecretDocuments.SaysNoContent(e.Message)
                    ? $"{f.PathOf(field)}: {ConfigObject.Describe(kind, name)} is in {invalid}, which {e.Message}; " +
                        $"'podunits secret create {name} --replace' encrypts it anew for this host"
                    : $"{f.PathOf(field)}: {ConfigObject.Describe(kind, name)} is in {invalid}, whose decrypted document is not a valid Secret; " +
                        $"'podunits secret create {name} --replace' writes a new one", false);
                return null;
            }
            string first = e is null ? "" : kind == ConfigObjectKind.Secret ? $" (at {e.Line}:{e.Column})" : $" ({e.Line}:{e.Column}: {e.Message})";
            report(f.Value(field)!, $"{f.PathOf(field)}: {ConfigObject.Describe(kind, name)} is in {invalid}, which is not valid{first}; " +
                "fix the errors reported there", false);
        }
        else if (found is null && !optional)
        {
            report(f.Value(field)!, $"{f.PathOf(field)}: {ConfigObject.Describe(kind, name)} not found (looked in {lookedIn}); " +
                "create it, or set optional: true", true);
        }
        return found;
    }

    private ConfigObject? Find(Fields f, string field, ConfigObjectKind kind, string name, bool optional) =>
        Find(f, field, kind, name, optional, catalog, ctx.EnvReferenceProblem);
}
