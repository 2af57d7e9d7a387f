using System.Text.RegularExpressions;
using PodUnits.Core.Errors;

namespace PodUnits.Core.Naming;

/// <summary>
/// An image reference parsed the way Docker does it (distribution/reference's "normalized
/// named"): <c>busybox</c> is <c>docker.io/library/busybox:latest</c>; a first component
/// with a '.' or ':' or equal to "localhost" is a registry host. Every part is validated
/// against the grammar, so no part can hold '/..' or anything else that reaches a path;
/// the store never uses a reference as a file name anyway.
/// </summary>
public sealed partial record ImageReference(string Registry, string Repository, string? Tag, string? Digest)
{
    public const string DockerHub = "docker.io";

    /// <summary>The host the API is really served from (docker.io is an alias).</summary>
    public string ApiHost => Registry == DockerHub ? "registry-1.docker.io" : Registry;

    /// <summary>Tag or digest, whichever the manifest is asked for by (digest wins).</summary>
    public string ManifestReference => Digest ?? Tag ?? "latest";

    /// <summary>The full, normalized form: registry/repository[:tag][@digest].</summary>
    public override string ToString() =>
        $"{Registry}/{Repository}{(Tag is null ? "" : ":" + Tag)}{(Digest is null ? "" : "@" + Digest)}";

    /// <summary>The short form people type: docker.io/library/ dropped.</summary>
    public string ToFamiliarString()
    {
        string full = ToString();
        if (full.StartsWith("docker.io/library/", StringComparison.Ordinal)) return full["docker.io/library/".Length..];
        if (full.StartsWith("docker.io/", StringComparison.Ordinal)) return full["docker.io/".Length..];
        return full;
    }

    public static ImageReference Parse(string text)
    {
        if (TryParse(text, out ImageReference? reference, out string? why)) return reference;
        throw new BadInputException($"image reference '{text}'", why);
    }

    public static bool TryParse(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ImageReference? reference,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? why)
    {
        reference = null;
        string s = text.StartsWith("docker://", StringComparison.Ordinal) ? text["docker://".Length..] : text;
        if (s.Length == 0 || s.Length > 1024) { why = "is empty or too long"; return false; }

        string? digest = null;
        int at = s.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            digest = s[(at + 1)..];
            s = s[..at];
            if (!DigestPattern().IsMatch(digest)) { why = $"digest '{digest}' is not sha256: followed by 64 lowercase hex digits"; return false; }
        }

        string? tag = null;
        int lastSlash = s.LastIndexOf('/');
        int colon = s.LastIndexOf(':');
        if (colon > lastSlash)
        {
            tag = s[(colon + 1)..];
            s = s[..colon];
            if (!TagPattern().IsMatch(tag)) { why = $"tag '{tag}' may only hold letters, digits, '_', '.', '-' (up to 128, not starting with '.' or '-')"; return false; }
        }

        // Docker's grammar (distribution/reference, NameTotalLengthMax): the name as written,
        // registry included, tag and digest not, is at most 255 characters.
        if (s.Length > 255) { why = $"name is {s.Length} characters long; at most 255"; return false; }

        string registry = DockerHub;
        string repository = s;
        int slash = s.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0)
        {
            string first = s[..slash];
            if (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost")
            {
                registry = first;
                repository = s[(slash + 1)..];
            }
        }
        if (registry is "index.docker.io" or "registry-1.docker.io") registry = DockerHub;
        if (!HostPattern().IsMatch(registry)) { why = $"registry '{registry}' is not a host name with an optional :port"; return false; }
        if (registry.LastIndexOf(':') is int portAt and > 0 && int.Parse(registry.AsSpan(portAt + 1), System.Globalization.CultureInfo.InvariantCulture) is 0 or > 65535)
        {
            why = $"registry '{registry}' has a port outside 1-65535";
            return false;
        }
        if (registry == DockerHub && !repository.Contains('/', StringComparison.Ordinal)) repository = "library/" + repository;
        if (repository.Length == 0 || !RepositoryPattern().IsMatch(repository))
        {
            why = $"repository '{repository}' must be lowercase components of letters and digits separated by '.', '_', '__' or '-', joined by '/'";
            return false;
        }
        if (tag is null && digest is null) tag = "latest";
        reference = new ImageReference(registry, repository, tag, digest);
        why = null;
        return true;
    }

    // The grammar of github.com/distribution/reference (reference.go), anchored. \z, not $:
    // in .NET $ also matches before a final "\n", which would then reach keys and messages.
    [GeneratedRegex(@"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*\z")]
    public static partial Regex RepositoryPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}\z")]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"^sha256:[a-f0-9]{64}\z")]
    private static partial Regex DigestPattern();

    [GeneratedRegex(@"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*(?::[0-9]{1,5})?\z")]
    public static partial Regex HostPattern();
}
