using PodUnits.Core.Errors;
using PodUnits.Core.Naming;
using YamlDotNet.RepresentationModel;

namespace PodUnits.Images.Registry;

/// <summary>Which pulls a mirror serves, as registries.conf's pull-from-mirror says it.</summary>
public enum MirrorPulls
{
    /// <summary>Every pull.</summary>
    All,

    /// <summary>Only pulls by digest: a mirror whose tags may lag behind the origin's can
    /// still serve content that is checked against the digest asked for.</summary>
    DigestOnly,

    /// <summary>Only pulls by tag.</summary>
    TagOnly,
}

/// <summary>
/// One mirror of the images whose names start with <see cref="Prefix"/>, as
/// containers-registries.conf(5) defines mirrors (the `mirrors:` key of registries.yaml):
/// the mirrors of the longest matching prefix are tried in order before the image's own
/// registry, and the first that serves the manifest serves the whole pull. The name under
/// the prefix is kept: with prefix <c>docker.io</c> and location <c>cache.example:5000/hub</c>,
/// <c>docker.io/library/nginx:1.29</c> is pulled as <c>cache.example:5000/hub/library/nginx:1.29</c>.
/// The image keeps its own name in the store, and the trust policy judges it by that name.
/// </summary>
public sealed record RegistryMirror(string Prefix, string Location, MirrorPulls Pulls)
{
    /// <summary>Whether this mirror may serve a pull of <paramref name="reference"/>.</summary>
    public bool Serves(ImageReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return Pulls switch
        {
            MirrorPulls.DigestOnly => reference.Digest is not null,
            MirrorPulls.TagOnly => reference.Digest is null,
            _ => true,
        };
    }

    /// <summary>Where <paramref name="reference"/> is pulled from through this mirror.</summary>
    public ImageReference Rewrite(ImageReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        string rest = NameOf(reference)[Prefix.Length..];
        string name = Location + rest;
        string suffix = (reference.Tag is null ? "" : ":" + reference.Tag) + (reference.Digest is null ? "" : "@" + reference.Digest);
        if (!name.Contains('/', StringComparison.Ordinal) || !ImageReference.TryParse(name + suffix, out ImageReference? physical, out _))
            throw new PodUnitsException($"mirror {Location} of {Prefix}", $"turns {reference.ToFamiliarString()} into '{name}', which is no repository name");
        return physical;
    }

    /// <summary>The name prefixes match: registry/repository, without tag or digest.</summary>
    public static string NameOf(ImageReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return reference.Registry + "/" + reference.Repository;
    }

    /// <summary>Whether <paramref name="prefix"/> covers <paramref name="name"/>: equal, or
    /// followed by a '/' (so docker.io/library covers docker.io/library/nginx, not
    /// docker.io/library2/x).</summary>
    public static bool Covers(string prefix, string name)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentNullException.ThrowIfNull(name);
        return name.StartsWith(prefix, StringComparison.Ordinal) && (name.Length == prefix.Length || name[prefix.Length] == '/');
    }

    /// <summary>The sources of a pull of <paramref name="reference"/>, in the order they are
    /// tried: the mirrors of the longest prefix that covers its name (those that serve this
    /// kind of pull), then the image's own registry.</summary>
    public static List<ImageReference> Sources(IReadOnlyList<RegistryMirror> mirrors, ImageReference reference)
    {
        ArgumentNullException.ThrowIfNull(mirrors);
        string name = NameOf(reference);
        string? longest = null;
        foreach (RegistryMirror mirror in mirrors)
        {
            if (Covers(mirror.Prefix, name) && (longest is null || mirror.Prefix.Length > longest.Length)) longest = mirror.Prefix;
        }
        var sources = new List<ImageReference>();
        foreach (RegistryMirror mirror in mirrors)
        {
            if (mirror.Prefix == longest && mirror.Serves(reference)) sources.Add(mirror.Rewrite(reference));
        }
        sources.Add(reference);
        return sources;
    }

    /// <summary>
    /// registries.yaml's <c>mirrors:</c>, a mapping from prefix to a list of mirrors, each a
    /// location or a mapping with <c>location</c> and <c>pullFrom</c> (all, digest-only,
    /// tag-only):
    /// <code>
    /// mirrors:
    ///   docker.io:
    ///     - cache.example:5000
    ///     - location: mirror.example/hub
    ///       pullFrom: digest-only
    /// </code>
    /// </summary>
    public static List<RegistryMirror> Parse(YamlNode node, string source)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node is not YamlMappingNode prefixes)
            throw new BadInputException(At(source, node), "mirrors must map an image name prefix (HOST[/PATH]) to a list of mirror locations");
        var result = new List<RegistryMirror>();
        foreach ((YamlNode keyNode, YamlNode value) in prefixes.Children)
        {
            string prefix = Name((keyNode as YamlScalarNode)?.Value, At(source, keyNode), "prefix");
            if (value is not YamlSequenceNode list || list.Children.Count == 0)
                throw new BadInputException(At(source, value), $"the mirrors of {prefix} must be a list of locations (HOST[:PORT][/PATH])");
            foreach (YamlNode item in list.Children) result.Add(ParseOne(prefix, item, source));
        }
        return result;
    }

    private static RegistryMirror ParseOne(string prefix, YamlNode item, string source)
    {
        if (item is YamlScalarNode scalar) return new RegistryMirror(prefix, Name(scalar.Value, At(source, item), "location"), MirrorPulls.All);
        if (item is not YamlMappingNode mapping)
            throw new BadInputException(At(source, item), "a mirror is a location (HOST[:PORT][/PATH]) or a mapping with location and pullFrom");
        string? location = null;
        MirrorPulls pulls = MirrorPulls.All;
        foreach ((YamlNode keyNode, YamlNode value) in mapping.Children)
        {
            string key = (keyNode as YamlScalarNode)?.Value ?? "";
            string where = At(source, keyNode);
            switch (key)
            {
                case "location":
                    location = Name((value as YamlScalarNode)?.Value, At(source, value), "location");
                    break;
                case "pullFrom":
                    pulls = (value as YamlScalarNode)?.Value switch
                    {
                        "all" => MirrorPulls.All,
                        "digest-only" => MirrorPulls.DigestOnly,
                        "tag-only" => MirrorPulls.TagOnly,
                        _ => throw new BadInputException(At(source, value), "pullFrom must be all, digest-only or tag-only"),
                    };
                    break;
                default:
                    throw new BadInputException(where, $"unknown key '{key}' of a mirror (known: location, pullFrom)");
            }
        }
        return new RegistryMirror(prefix, location ?? throw new BadInputException(At(source, item), "this mirror has no location"), pulls);
    }

    /// <summary>HOST[:PORT][/PATH] as the image reference grammar has them, the host
    /// unmistakably one (a '.', a ':' or localhost, as in an image name): no tag, no digest,
    /// nothing a URL or a path could be made of otherwise.</summary>
    private static string Name(string? text, string where, string what)
    {
        string value = text?.Trim() ?? "";
        int slash = value.IndexOf('/', StringComparison.Ordinal);
        string host = slash < 0 ? value : value[..slash];
        string path = slash < 0 ? "" : value[(slash + 1)..];
        bool hostLike = host.Contains('.', StringComparison.Ordinal) || host.Contains(':', StringComparison.Ordinal) || host == "localhost";
        if (!hostLike || !ImageReference.HostPattern().IsMatch(host) || (slash >= 0 && !ImageReference.RepositoryPattern().IsMatch(path)))
        {
            throw new BadInputException(where,
                $"mirror {what} '{value}' must be HOST[:PORT][/PATH]: a host with a '.' or a ':' or localhost, then lowercase path components, no tag or digest");
        }
        // docker.io's aliases are one registry, as in image names.
        if (host is "index.docker.io" or "registry-1.docker.io") host = ImageReference.DockerHub;
        return slash < 0 ? host : host + "/" + path;
    }

    private static string At(string source, YamlNode node) => $"{source}:{node.Start.Line}:{node.Start.Column}";
}
