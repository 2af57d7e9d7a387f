using PodUnits.Core.Files;
using PodUnits.Definitions.Yaml;

namespace PodUnits.Definitions.Parsing;

/// <summary>
/// Where a pod's ConfigMaps and Secrets are found, with no API server: first the documents
/// of the pod's own file, then /etc/podunits/{configmaps,secrets}/NAME.yaml, the /run and
/// /usr/lib layers after it (the first file found wins, as for pods, so an administrator's
/// file overrides a package's). A standalone file is read only when a reference names it, and
/// its problems are reported at its own file:line:column. Everything found is kept for the
/// pod (<see cref="PodDefinition.ConfigObjects"/>).
/// </summary>
internal sealed class ConfigObjectCatalog(IReadOnlyList<string> roots, long maxFileBytes, Func<string, string, string>? decryptSecret = null)
{
    /// <summary>An object file's limit: twice a definition's, as base64 makes 1 MiB of values
    /// (Kubernetes' limit on an object's data, which `podunits secret create` keeps) 1.33 MiB
    /// of YAML; a file of the same limit refused Secrets `secret create` had written (config
    /// review of 2026-12-06, finding 2).</summary>
    public static long MaxObjectFileBytes(long maxDefinitionBytes) => maxDefinitionBytes * 2;

    /// <summary>The layers of the search path, as for pods (docs/design.md).</summary>
    public static readonly IReadOnlyList<string> DefaultRoots = ["/etc/podunits", "/run/podunits", "/usr/lib/podunits"];

    private readonly Dictionary<(ConfigObjectKind, string), ConfigObject> _inFile = [];
    private readonly Dictionary<(ConfigObjectKind, string), ConfigObject?> _standalone = [];
    private readonly List<Diagnostic> _foreign = [];
    private readonly Dictionary<(ConfigObjectKind, string), string> _invalid = [];

    public Dictionary<(ConfigObjectKind Kind, string Name), ConfigObject> Used { get; } = [];

    /// <summary>Errors found in standalone object files (their warnings, such as an ignored
    /// metadata.namespace, would repeat in every pod that uses them, so they are left out).</summary>
    public IReadOnlyList<Diagnostic> ForeignDiagnostics => _foreign;

    public static string Directory(ConfigObjectKind kind) => kind == ConfigObjectKind.Secret ? "secrets" : "configmaps";

    /// <summary>The file that holds <paramref name="name"/> but is not valid (its errors are in
    /// <see cref="ForeignDiagnostics"/>), or null: a reference to it is not "not found".</summary>
    public string? InvalidFile(ConfigObjectKind kind, string name) => _invalid.GetValueOrDefault((kind, name));

    /// <summary>The first error found in the object file at <paramref name="file"/>, or null.</summary>
    public Diagnostic? FirstError(string file) => _foreign.FirstOrDefault(d => d.IsError && d.File == file);

    /// <summary>An object from a further document of the pod's file; false when the name is taken.</summary>
    public bool AddFromPodFile(ConfigObject o) => _inFile.TryAdd((o.Kind, o.Name), o);

    /// <summary>The object, or null; <paramref name="lookedIn"/> says where it was looked for.</summary>
    public ConfigObject? Find(ConfigObjectKind kind, string name, out string lookedIn)
    {
        string dir = Directory(kind);
        string extensions = kind == ConfigObjectKind.Secret ? $".yaml (or {EncryptedSecrets.Extension})" : ".yaml";
        lookedIn = $"this file and {string.Join(", ", roots.Select(r => $"{r}/{dir}/{name}{extensions}"))}";
        if (!_inFile.TryGetValue((kind, name), out ConfigObject? found) && !_standalone.TryGetValue((kind, name), out found))
        {
            found = LoadStandalone(kind, name, dir);
            _standalone[(kind, name)] = found;
        }
        if (found is not null)
        {
            Used[(kind, name)] = found;
        }
        return found;
    }

    private ConfigObject? LoadStandalone(ConfigObjectKind kind, string name, string dir)
    {
        foreach (string root in roots)
        {
            foreach (string ext in PodDefinitionSearchPath.Extensions)
            {
                string path = $"{root}/{dir}/{name}{ext}";
                if (File.Exists(path))
                {
                    return Load(path, kind, name) ?? Invalid(path);
                }
            }
            string credential = $"{root}/{dir}/{name}{EncryptedSecrets.Extension}";
            if (kind == ConfigObjectKind.Secret && File.Exists(credential))
            {
                return LoadEncrypted(credential, name) ?? Invalid(credential);
            }
        }
        return null;

        ConfigObject? Invalid(string path)
        {
            _invalid[(kind, name)] = path;
            return null;
        }
    }

    /// <summary>An encrypted Secret: decrypted in memory (never to a file) and parsed like a
    /// plain one; its problems are reported at positions of the plaintext.</summary>
    private ConfigObject? LoadEncrypted(string path, string name)
    {
        if (decryptSecret is null)
        {
            return new ConfigObject(ConfigObjectKind.Secret, name, new Dictionary<string, byte[]>(), path, Encrypted: true, KeysKnown: false);
        }
        string text;
        try
        {
            text = decryptSecret(path, EncryptedSecrets.CredentialName(name));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            var failed = new ParseContext(path);
            failed.Error(1, 1, $"cannot be decrypted: {e.Message}");
            _foreign.AddRange(failed.Sorted());
            return null;
        }
        return Load(path, ConfigObjectKind.Secret, name, text) is ConfigObject o ? o with { Encrypted = true } : null;
    }

    private ConfigObject? Load(string path, ConfigObjectKind kind, string name, string? plaintext = null)
    {
        var ctx = new ParseContext(path);
        string text;
        try
        {
            if (plaintext is not null)
            {
                return Parse(ctx, plaintext, path, kind, name);
            }
            if (YamlText.Read(path, maxFileBytes, out TextRefusal? refusal) is not { } read)
            {
                TextRefusal why = refusal!.Value;
                ctx.Error(why.Line, why.Column, why.Message.StartsWith("is larger", StringComparison.Ordinal) ? $"is too large for a {kind} (at most {maxFileBytes} bytes)" : why.Message);
                _foreign.AddRange(ctx.Sorted());
                return null;
            }
            text = read;
            if (kind == ConfigObjectKind.Secret && FileExposure.EveryUserCanRead(path))
            {
                // Kept with the errors (unlike a standalone file's other warnings): a value
                // every local user can read is worth repeating in every pod that uses it.
                _foreign.Add(new Diagnostic(Severity.Warning, path, 1, 1,
                    "every user of this host can read this Secret; chmod 600 the file ('podunits secret create' writes it so)"));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ctx.Error(1, 1, $"cannot be read: {e.Message}");
            _foreign.AddRange(ctx.Sorted());
            return null;
        }
        return Parse(ctx, text, path, kind, name);
    }

    private ConfigObject? Parse(ParseContext ctx, string text, string path, ConfigObjectKind kind, string name)
    {
        IReadOnlyList<YNode> documents = YamlTreeReader.ReadAll(text, out IReadOnlyList<YamlProblem> problems);
        foreach (YamlProblem p in problems)
        {
            ctx.Error(p.Line, p.Column, p.Message);
        }
        ConfigObject? result = null;
        if (problems.Count == 0 && documents.Count != 1)
        {
            ctx.Error(1, 1, $"must hold exactly one {kind} document, found {documents.Count}");
        }
        else if (problems.Count == 0)
        {
            string? declared = DocumentKind(documents[0]);
            if (declared != kind.ToString())
            {
                ctx.Error(documents[0].Line, documents[0].Column, $"kind: must be \"{kind}\" in {Directory(kind)}/, found \"{declared}\"");
            }
            else
            {
                result = ConfigObjectMapper.Map(documents[0], kind, ctx, name);
            }
        }
        _foreign.AddRange(ctx.Sorted().Where(d => d.IsError));
        return result;
    }

    /// <summary>The kind: of a document, or null.</summary>
    public static string? DocumentKind(YNode document) => KindNode(document)?.Value;

    /// <summary>The kind: of a document with its position, or null.</summary>
    public static YScalar? KindNode(YNode document) =>
        document is YMapping map
        && map.Entries.FirstOrDefault(e => e.Key is YScalar { Value: "kind" }).Value is YScalar { IsNull: false } kind
            ? kind
            : null;
}
