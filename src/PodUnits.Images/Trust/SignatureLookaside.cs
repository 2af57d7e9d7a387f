using PodUnits.Core.Errors;
using PodUnits.Core.Naming;
using YamlDotNet.RepresentationModel;

namespace PodUnits.Images.Trust;

/// <summary>
/// containers-registries.d(5): where an image's "simple signing" signatures are read
/// (lookaside, formerly sigstore) and whether its sigstore signatures are attached in the
/// registry (use-sigstore-attachments). Every *.yaml of the directory is merged; a scope may
/// be configured once. The most specific docker scope wins, else default-docker.
/// Directory: /etc/podunits/registries.d if it exists, else /etc/containers/registries.d.
/// Staging keys (lookaside-staging, sigstore-staging) are for writers and are ignored.
/// </summary>
public sealed class SignatureLookaside
{
    public const string OwnDirectory = "/etc/podunits/registries.d";
    public const string ContainersDirectory = "/etc/containers/registries.d";

    /// <summary>One configuration section.</summary>
    public sealed record Section(string? Lookaside, bool UseSigstoreAttachments);

    /// <summary>A section as written: a setting it leaves out is null, and falls through to
    /// the next less specific scope, then default-docker.</summary>
    private sealed record Written(string? Lookaside, bool? UseSigstoreAttachments);

    private readonly Written? _default;
    private readonly Dictionary<string, Written> _scopes;

    private SignatureLookaside(Written? @default, Dictionary<string, Written> scopes)
    {
        _default = @default;
        _scopes = scopes;
    }

    public static SignatureLookaside Empty { get; } = new(null, new Dictionary<string, Written>(StringComparer.Ordinal));

    public static SignatureLookaside Load(string? directory = null)
    {
        directory ??= Directory.Exists(OwnDirectory) ? OwnDirectory : ContainersDirectory;
        if (!Directory.Exists(directory)) return Empty;
        Written? @default = null;
        string? defaultFrom = null;
        var scopes = new Dictionary<string, Written>(StringComparer.Ordinal);
        var scopeFrom = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string file in Directory.EnumerateFiles(directory, "*.yaml").Order(StringComparer.Ordinal))
        {
            YamlMappingNode? root = ReadRoot(file);
            if (root is null) continue;
            foreach ((YamlNode keyNode, YamlNode value) in root.Children)
            {
                string key = (keyNode as YamlScalarNode)?.Value ?? "";
                string where = $"{file}:{keyNode.Start.Line}:{keyNode.Start.Column}";
                if (key == "default-docker")
                {
                    if (defaultFrom is not null) throw new BadInputException(where, $"default-docker is configured in {defaultFrom} already (one section per scope)");
                    @default = ReadSection(value, file, where);
                    defaultFrom = file;
                }
                else if (key == "docker")
                {
                    if (value is not YamlMappingNode docker) throw new BadInputException(where, "docker must be a mapping of scopes");
                    foreach ((YamlNode scopeNode, YamlNode section) in docker.Children)
                    {
                        string scope = (scopeNode as YamlScalarNode)?.Value ?? "";
                        string at = $"{file}:{scopeNode.Start.Line}:{scopeNode.Start.Column}";
                        if (scopeFrom.TryGetValue(scope, out string? other)) throw new BadInputException(at, $"scope {scope} is configured in {other} already");
                        scopes[scope] = ReadSection(section, file, at);
                        scopeFrom[scope] = file;
                    }
                }
                // Other top-level keys belong to other tools (containers/image ignores them too).
            }
        }
        return new SignatureLookaside(@default, scopes);
    }

    /// <summary>The settings for <paramref name="image"/>, each from the most specific scope
    /// that sets it, else default-docker, as containers/image looks each one up; null when no
    /// section applies. A narrower section that set only use-sigstore-attachments hid a wider
    /// one's lookaside (trust review of 2026-12-06, finding 8).</summary>
    public Section? For(ImageReference image)
    {
        List<Written> applying = [.. TrustPolicy.DockerScopes(image).Select(s => _scopes.GetValueOrDefault(s)).OfType<Written>()];
        if (_default is not null)
        {
            applying.Add(_default);
        }
        return applying.Count == 0 ? null
            : new Section(applying.Select(w => w.Lookaside).FirstOrDefault(l => l is not null),
                applying.Select(w => w.UseSigstoreAttachments).FirstOrDefault(u => u is not null) ?? false);
    }

    /// <summary>Where signature-<paramref name="index"/> (from 1) of a manifest is:
    /// LOOKASIDE/REPOSITORY-PATH@sha256=HEX/signature-N, the layout skopeo writes.</summary>
    public static string SignatureUrl(string lookaside, ImageReference image, string manifestDigest, int index) =>
        $"{lookaside.TrimEnd('/')}/{image.Repository}@{manifestDigest.Replace(':', '=')}/signature-{index}";

    private const int MaxSignatureBytes = 4 << 20;

    /// <summary>One signature file: null when it does not exist (the end of the list).</summary>
    public static async Task<byte[]?> ReadAsync(string url, HttpClient http, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (url.StartsWith("file://", StringComparison.Ordinal))
        {
            string path = Uri.UnescapeDataString(url["file://".Length..]);
            if (!File.Exists(path)) return null;
            if (new FileInfo(path).Length > MaxSignatureBytes) throw new PodUnitsException($"signature {url}", $"is larger than {MaxSignatureBytes} bytes; refused");
            return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        try
        {
            using HttpResponseMessage response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == System.Net.HttpStatusCode.NotFound) return null;
            if (!response.IsSuccessStatusCode) throw new PodUnitsException($"signature {url}", $"the lookaside server answered {(int)response.StatusCode} {response.ReasonPhrase}");
            return await Registry.LimitedBody.ReadAsync(response, MaxSignatureBytes, $"signature {url}", cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new PodUnitsException($"signature {url}", $"cannot be read: {e.Message}");
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient.Timeout: the lookaside server's silence, said as such (a pull under
            // signedBy blamed the registry, `image inspect` said "interrupted").
            throw new PodUnitsException($"signature {url}", $"the lookaside server gave no answer within {http.Timeout.TotalSeconds:0} s", ExitCodes.RuntimeFailure, e);
        }
    }

    private static YamlMappingNode? ReadRoot(string file) =>
        Configuration.YamlSettingsFile.RootMapping(File.ReadAllText(file), file, "default-docker and docker");

    private static Written ReadSection(YamlNode node, string file, string where)
    {
        if (node is YamlScalarNode { Value: null or "" }) return new Written(null, null);
        if (node is not YamlMappingNode map) throw new BadInputException(where, "a configuration section must be a mapping");
        string? lookaside = null;
        bool? attachments = null;
        foreach ((YamlNode k, YamlNode v) in map.Children)
        {
            string key = (k as YamlScalarNode)?.Value ?? "";
            string value = (v as YamlScalarNode)?.Value ?? "";
            string at = $"{file}:{k.Start.Line}:{k.Start.Column}";
            switch (key)
            {
                case "lookaside" or "sigstore":
                    if (!(value.StartsWith("file:///", StringComparison.Ordinal) || value.StartsWith("http://", StringComparison.Ordinal)
                        || value.StartsWith("https://", StringComparison.Ordinal)))
                        throw new BadInputException(at, $"{key} must be a file:///, http:// or https:// URL, found \"{value}\"");
                    if (lookaside is not null) throw new BadInputException(at, "lookaside and sigstore are the same setting; give one");
                    lookaside = value;
                    break;
                case "use-sigstore-attachments":
                    attachments = value is "true" or "yes" ? true : value is "false" or "no" ? false
                        : throw new BadInputException(at, $"use-sigstore-attachments must be true or false, found \"{value}\"");
                    break;
                default:
                    break; // lookaside-staging, sigstore-staging and keys of newer versions: writers' business
            }
        }
        return new Written(lookaside, attachments);
    }
}
