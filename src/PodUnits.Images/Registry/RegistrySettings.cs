using System.Text;
using System.Text.Json;
using PodUnits.Core.Errors;
using PodUnits.Images.Oci;
using PodUnits.Core.Naming;
using YamlDotNet.RepresentationModel;

namespace PodUnits.Images.Registry;

/// <summary>
/// /etc/podunits/registries.yaml (path overridable by PODUNITS_REGISTRIES_CONFIG, or by the
/// caller). Keys: <c>insecure: ["HOST:PORT", ...]</c> registries reached over plain HTTP
/// (everything else is HTTPS only); <c>authFile: PATH</c> a docker/podman auth file
/// ({"auths":{"HOST":{"auth":"base64(user:pass)"}}}); <c>mirrors:</c> where images are pulled
/// from before their own registry (<see cref="RegistryMirror"/>). Read with YamlDotNet's
/// representation model (no reflection: AOT-safe). A missing file means: all HTTPS, anonymous.
/// </summary>
public sealed class RegistrySettings
{
    public const string DefaultPath = "/etc/podunits/registries.yaml";
    public const string PathVariable = "PODUNITS_REGISTRIES_CONFIG";

    public RegistrySettings(IEnumerable<string>? insecure = null, string? authFile = null, IEnumerable<RegistryMirror>? mirrors = null)
    {
        Insecure = new HashSet<string>(insecure ?? [], StringComparer.OrdinalIgnoreCase);
        AuthFile = authFile;
        Mirrors = [.. mirrors ?? []];
    }

    public IReadOnlySet<string> Insecure { get; }

    /// <summary>How long a registry may send nothing (no headers, no body byte) before the
    /// transfer fails (<see cref="Inactivity"/>); not in registries.yaml, tests shorten it.</summary>
    internal TimeSpan ReadInactivityTimeout { get; init; } = Inactivity.Default;

    public string? AuthFile { get; }

    public IReadOnlyList<RegistryMirror> Mirrors { get; }

    public bool IsInsecure(string host) => Insecure.Contains(host);

    /// <summary>Where a pull of <paramref name="reference"/> is tried, in order: its
    /// mirrors, then its own registry.</summary>
    public List<ImageReference> SourcesFor(ImageReference reference) => RegistryMirror.Sources(Mirrors, reference);

    public static RegistrySettings Load(string? path = null)
    {
        path ??= Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } fromEnv ? fromEnv : DefaultPath;
        return File.Exists(path) ? Parse(File.ReadAllText(path), path) : new RegistrySettings();
    }

    public static RegistrySettings Parse(string yaml, string source)
    {
        if (Configuration.YamlSettingsFile.RootMapping(yaml, source, "keys insecure, authFile and mirrors") is not { } root)
            return new RegistrySettings();
        var insecure = new List<string>();
        string? authFile = null;
        var mirrors = new List<RegistryMirror>();
        foreach ((YamlNode keyNode, YamlNode value) in root.Children)
        {
            string key = (keyNode as YamlScalarNode)?.Value ?? "";
            string where = $"{source}:{keyNode.Start.Line}:{keyNode.Start.Column}";
            switch (key)
            {
                case "insecure":
                    if (value is not YamlSequenceNode list) throw new BadInputException(where, "insecure must be a list of HOST:PORT");
                    insecure.AddRange(list.Children.Select(n => (n as YamlScalarNode)?.Value ?? throw new BadInputException(where, "insecure entries must be strings")));
                    break;
                case "authFile":
                    authFile = (value as YamlScalarNode)?.Value ?? throw new BadInputException(where, "authFile must be a path");
                    break;
                case "mirrors":
                    mirrors.AddRange(RegistryMirror.Parse(value, source));
                    break;
                default:
                    throw new BadInputException(where, $"unknown key '{key}' (known: insecure, authFile, mirrors)");
            }
        }
        return new RegistrySettings(insecure, authFile, mirrors);
    }

    /// <summary>
    /// user and password for <paramref name="repository"/> on <paramref name="host"/> from the
    /// auth file, if any. As containers-auth.json(5) reads it: a key may be a host or a
    /// host/namespace[/repo] (what `podman login quay.io/team` writes), and the longest key
    /// that is the repository or a path prefix of it wins, the bare host last; Docker's legacy
    /// "https://index.docker.io/v1/" counts as the host.
    /// </summary>
    public (string User, string Password)? CredentialsFor(string host, string? repository = null)
    {
        if (AuthFile is null || !File.Exists(AuthFile)) return null;
        AuthFile? file;
        try
        {
            file = JsonSerializer.Deserialize(File.ReadAllBytes(AuthFile), OciJsonContext.Default.AuthFile);
        }
        catch (JsonException e)
        {
            throw new BadInputException($"auth file {AuthFile}", $"not valid JSON: {JsonErrors.Describe(e)} (line {(e.LineNumber ?? 0) + 1})");
        }
        if (file?.Auths is null) return null;
        (string Key, AuthEntry Entry, int Length)? best = null;
        foreach ((string key, AuthEntry entry) in file.Auths)
        {
            bool scheme = key.StartsWith("https://", StringComparison.Ordinal) || key.StartsWith("http://", StringComparison.Ordinal);
            string[] parts = key.Replace("https://", "", StringComparison.Ordinal).Replace("http://", "", StringComparison.Ordinal)
                .TrimEnd('/').Split('/', 2);
            string keyHost = parts[0];
            string keyPath = parts.Length > 1 && !(scheme && parts[1] is "v1" or "v2") ? parts[1] : "";
            bool hostMatches = keyHost == host || (host == "registry-1.docker.io" && keyHost is "docker.io" or "index.docker.io");
            bool pathMatches = keyPath.Length == 0 || (repository is not null
                && (repository == keyPath || repository.StartsWith(keyPath + "/", StringComparison.Ordinal)));
            if (!hostMatches || !pathMatches || entry.Auth is null) continue;
            if (best is null || keyPath.Length > best.Value.Length) best = (key, entry, keyPath.Length);
        }
        if (best is not { } chosen) return null;
        byte[] raw;
        try
        {
            raw = Convert.FromBase64String(chosen.Entry.Auth!);
        }
        catch (FormatException)
        {
            // Not quoted: the entry is user:password in base64, and its text may be one.
            throw new BadInputException($"auth file {AuthFile}", $"the \"auth\" of {chosen.Key} is not base64 (of user:password)");
        }
        string decoded = Encoding.UTF8.GetString(raw);
        int colon = decoded.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 ? (decoded[..colon], decoded[(colon + 1)..]) : null;
    }
}
