using PodUnits.Core.Errors;
using PodUnits.Core.Naming;

namespace PodUnits.Images.Trust;

/// <summary>
/// An image trust policy in containers-policy.json(5)'s schema: the requirements for an
/// image come from the most specific scope of its transport, else the transport's "" scope,
/// else "default". Every requirement of the chosen list must hold.
/// Where it is read from (<see cref="Load"/>): /etc/podunits/policy.json (PodUnits' own
/// copy), else /etc/containers/policy.json (what podman and skopeo use), else the built-in
/// default, insecureAcceptAnything, which is what Debian's and Fedora's
/// containers-common ship as /etc/containers/policy.json.
/// </summary>
public sealed class TrustPolicy
{
    public const string OwnPath = "/etc/podunits/policy.json";
    public const string ContainersPath = "/etc/containers/policy.json";
    public const string DockerTransport = "docker";

    /// <summary>The transports whose scopes are paths (image import).</summary>
    public static readonly string[] PathTransports = ["oci", "oci-archive", "docker-archive"];

    private readonly IReadOnlyList<PolicyRequirement> _default;
    private readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyList<PolicyRequirement>>> _transports;

    internal TrustPolicy(string source, IReadOnlyList<PolicyRequirement> @default,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyList<PolicyRequirement>>> transports)
    {
        Source = source;
        _default = @default;
        _transports = transports;
    }

    /// <summary>The file the policy came from, or a description of the built-in default.</summary>
    public string Source { get; }

    public static TrustPolicy BuiltInDefault { get; } = new("no policy.json (built-in default)",
        [new AcceptAnything("no policy.json (built-in default): default[0] (insecureAcceptAnything)")],
        new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyList<PolicyRequirement>>>());

    /// <summary>The first of <paramref name="paths"/> that exists (default: PodUnits' own
    /// copy, then containers'), or the built-in default when none does. Anything at a path
    /// counts, as lstat(2) sees it: a dangling symlink (configuration management's link onto
    /// a file system not mounted yet) or a directory is an error naming the path, not "no
    /// policy", which would accept every image unsigned (fail closed; review of 2026-12-05).</summary>
    public static TrustPolicy Load(params string[] paths)
    {
        foreach (string path in paths.Length > 0 ? paths : [OwnPath, ContainersPath])
        {
            if (Directory.Exists(path))
            {
                throw new BadInputException(path, "is a directory, not a trust policy file; no image is let in until it is one");
            }
            if (File.Exists(path)) // true for a symlink, even a dangling one
            {
                return TrustPolicyParser.Parse(Read(path), path);
            }
        }
        return BuiltInDefault;
    }

    private static byte[] Read(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException && new FileInfo(path).LinkTarget is { } target)
        {
            throw new BadInputException(path, $"is a symlink to {target}, which is missing; the trust policy cannot be read, so no image is let in");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BadInputException(path, $"cannot be read ({e.Message}); no image is let in until it can");
        }
    }

    /// <summary>The requirements for a registry image and the scope they came from.</summary>
    public IReadOnlyList<PolicyRequirement> ForImage(ImageReference image) =>
        Lookup(DockerTransport, DockerScopes(image));

    /// <summary>The requirements for an image imported from a local path by
    /// <paramref name="transport"/> (oci, oci-archive, docker-archive).</summary>
    public IReadOnlyList<PolicyRequirement> ForPath(string transport, string path) =>
        Lookup(transport, PathScopes(Path.GetFullPath(path)));

    private IReadOnlyList<PolicyRequirement> Lookup(string transport, IEnumerable<string> scopes)
    {
        if (_transports.TryGetValue(transport, out var byScope))
        {
            foreach (string scope in scopes)
            {
                if (byScope.TryGetValue(scope, out var found)) return found;
            }
            if (byScope.TryGetValue("", out var transportDefault)) return transportDefault;
        }
        return _default;
    }

    /// <summary>Most specific first, as containers/image's docker transport:
    /// registry/repo:tag (or @digest), registry/repo, each parent namespace, the registry,
    /// then wildcards of the registry's parent domains (*.example.com).</summary>
    public static IEnumerable<string> DockerScopes(ImageReference image)
    {
        ArgumentNullException.ThrowIfNull(image);
        // Host names are case-insensitive, and scopes are written in lower case (the parser
        // refuses others): Registry.Example/app reached the registry of the
        // registry.example/app scope but fell to "default" (trust review of 2026-12-06,
        // finding 5). Only here: the image keeps its name as written in the store, the auth
        // file's and the mirrors' lookups.
        image = image with { Registry = image.Registry.ToLowerInvariant() };
        string repository = $"{image.Registry}/{image.Repository}";
        yield return SignedIdentity.Exact(image);
        if (image.Tag is not null && image.Digest is not null) yield return $"{repository}@{image.Digest}";
        for (string name = repository; ; name = name[..name.LastIndexOf('/')])
        {
            yield return name;
            if (!name.Contains('/', StringComparison.Ordinal)) break;
        }
        // Wildcards match the host whatever its port, as containers/image's: a host:port once
        // ended the list here, and "*.corp.example" requiring signatures let an unsigned
        // registry.corp.example:5000/app fall to "default" (trust review, finding 2).
        string host = image.Registry.Split(':')[0];
        for (int dot = host.IndexOf('.', StringComparison.Ordinal); dot >= 0; dot = host.IndexOf('.', dot + 1))
        {
            yield return "*" + host[dot..];
        }
    }

    /// <summary>The path itself, then each parent directory up to "/".</summary>
    public static IEnumerable<string> PathScopes(string fullPath)
    {
        for (string? dir = fullPath.TrimEnd('/'); !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
        {
            yield return dir;
        }
        yield return "/";
    }
}
