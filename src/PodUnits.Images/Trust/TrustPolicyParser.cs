using System.Text.Json;
using PodUnits.Core.Errors;
using PodUnits.Core.Naming;

namespace PodUnits.Images.Trust;

/// <summary>
/// Reads containers-policy.json(5) as containers/image does, strictly: unknown keys, unknown
/// requirement types and empty requirement lists are errors, so a typo can never quietly
/// weaken the policy. Errors name the file and the JSON path (or line and byte for syntax).
/// Written by hand: no .NET library reads this format.
/// </summary>
internal static class TrustPolicyParser
{
    private static readonly string[] TopKeys = ["default", "transports"];

    /// <summary>containers-policy.json(5)'s transports: PodUnits reads docker and the path
    /// transports; the others may stand in a policy shared with podman and skopeo.</summary>
    private static readonly string[] KnownTransports =
        ["docker", "oci", "oci-archive", "docker-archive", "atomic", "containers-storage", "dir", "docker-daemon", "sif", "tarball"];

    public static TrustPolicy Parse(byte[] json, string source)
    {
        JsonDocument document;
        try
        {
            // A key given twice refuses the file, as containers/image does: the last one
            // winning let a merged fragment quietly weaken a scope (trust review, finding 4).
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Disallow, AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            throw new BadInputException($"{source}:{(e.LineNumber ?? 0) + 1}:{(e.BytePositionInLine ?? 0) + 1}", $"not valid JSON: {JsonErrors.Describe(e)}");
        }
        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Bad(source, "", "must be a JSON object with \"default\" and optional \"transports\"");
            CheckKeys(root, TopKeys, source, "");
            if (!root.TryGetProperty("default", out JsonElement def))
                throw Bad(source, "", "has no \"default\" (containers-policy.json requires one; [{\"type\": \"reject\"}] is the strict choice)");
            IReadOnlyList<PolicyRequirement> @default = Requirements(def, source, "default");
            var transports = new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyList<PolicyRequirement>>>(StringComparer.Ordinal);
            if (root.TryGetProperty("transports", out JsonElement ts))
            {
                if (ts.ValueKind != JsonValueKind.Object) throw Bad(source, "transports", "must be an object of transport names");
                foreach (JsonProperty transport in ts.EnumerateObject())
                {
                    string at = $"transports.{transport.Name}";
                    if (!KnownTransports.Contains(transport.Name, StringComparer.Ordinal))
                        throw Bad(source, at, $"unknown transport (known: {string.Join(", ", KnownTransports)}); its scopes would never match, and its images would fall to \"default\"");
                    if (transport.Value.ValueKind != JsonValueKind.Object) throw Bad(source, at, "must be an object of scopes");
                    var scopes = new Dictionary<string, IReadOnlyList<PolicyRequirement>>(StringComparer.Ordinal);
                    foreach (JsonProperty scope in transport.Value.EnumerateObject())
                    {
                        string scopeAt = $"{at}[\"{scope.Name}\"]";
                        CheckScope(transport.Name, scope.Name, source, scopeAt);
                        scopes[scope.Name] = Requirements(scope.Value, source, scopeAt);
                    }
                    transports[transport.Name] = scopes;
                }
            }
            return new TrustPolicy(source, @default, transports);
        }
    }

    private static void CheckScope(string transport, string scope, string source, string at)
    {
        if (scope.Length == 0) return;
        if (transport == TrustPolicy.DockerTransport)
        {
            if (scope.StartsWith("*.", StringComparison.Ordinal) && scope.Length > 2 && !scope[2..].Contains('/', StringComparison.Ordinal))
            {
                CheckWildcard(scope, source, at);
                return;
            }
            // A scope is a full reference or a prefix of one at a '/': registry[/namespace...].
            string host = scope.Split('/')[0];
            // Scopes are compared as written with the image's canonical name: a host in
            // another spelling would never match, and its images would fall to "default".
            if (host.Any(char.IsAsciiLetterUpper))
                throw Bad(source, at, $"names the registry host in upper case; images are matched by their lower-case name ({host.ToLowerInvariant()})");
            if (host is "index.docker.io" or "registry-1.docker.io")
                throw Bad(source, at, $"names Docker Hub as {host}; images from it are named docker.io/... (write docker.io{scope[host.Length..]})");
            if (!(host.Contains('.', StringComparison.Ordinal) || host.Contains(':', StringComparison.Ordinal) || host == "localhost"))
                throw Bad(source, at, scope.Contains('/', StringComparison.Ordinal)
                    ? "must start with the registry host (docker.io/library/busybox, not library/busybox)"
                    : "is not a registry host (a scope starts with one: docker.io/library/busybox, not busybox)");
            string probe = scope.Contains('/', StringComparison.Ordinal) ? scope : scope + "/x";
            if (!ImageReference.TryParse(probe, out ImageReference? parsed, out string? why))
                throw Bad(source, at, $"is not a registry, namespace or image reference: {why}");
            // Images are looked up by their canonical name: docker.io/nginx never matches
            // docker.io/library/nginx (trust review of 2026-12-06, finding 6).
            // "docker.io/myorg" is a namespace (it matches docker.io/myorg/app); only with a tag
            // or digest is the short form an image's, one that is never named so.
            if (parsed.Registry == ImageReference.DockerHub && scope.StartsWith("docker.io/", StringComparison.Ordinal)
                && !scope[("docker.io/".Length)..].Contains('/', StringComparison.Ordinal) && !SignaturePayload.NamesOnlyARepository(scope))
                throw Bad(source, at, $"names an official image without its namespace; images from it are named docker.io/library/... (write docker.io/library/{scope["docker.io/".Length..]})");
        }
        if (TrustPolicy.PathTransports.Contains(transport))
        {
            if (!scope.StartsWith('/'))
                throw Bad(source, at, "must be an absolute path");
            // Paths are looked up in their canonical form (TrustPolicy.PathScopes): one written
            // otherwise never matched, and its imports fell to "default". containers/image
            // refuses both at load (trust review of 2026-12-07, finding 3).
            if (scope == "/")
                throw Bad(source, at, "names the root directory; the transport's default scope \"\" means every path");
            string canonical = Path.GetFullPath(scope).TrimEnd('/');
            if (canonical != scope)
                throw Bad(source, at, $"is not a path in canonical form, which images are matched by (write {canonical})");
        }
    }

    /// <summary>A wildcard scope, *.DOMAIN, is matched against the image's host in lower case
    /// and without its port (TrustPolicy.DockerScopes): one written with either never matched,
    /// and an unsigned image of that registry fell to "default" (trust review of 2026-12-07,
    /// finding 3).</summary>
    private static void CheckWildcard(string scope, string source, string at)
    {
        string domain = scope[2..];
        if (domain.Contains(':', StringComparison.Ordinal))
            throw Bad(source, at, $"names a port; a wildcard matches its hosts on every port (write *.{domain.Split(':')[0]})");
        if (domain.Any(char.IsAsciiLetterUpper))
            throw Bad(source, at, $"names the domain in upper case; images are matched by their lower-case host (write *.{domain.ToLowerInvariant()})");
        if (!domain.Split('.').All(label => label.Length > 0 && label.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')))
            throw Bad(source, at, "is not *. followed by a domain name (*.example.com)");
    }

    private static List<PolicyRequirement> Requirements(JsonElement list, string source, string at)
    {
        if (list.ValueKind != JsonValueKind.Array) throw Bad(source, at, "must be a list of requirements");
        var result = new List<PolicyRequirement>();
        int i = 0;
        foreach (JsonElement item in list.EnumerateArray())
        {
            result.Add(Requirement(item, source, $"{at}[{i++}]"));
        }
        if (result.Count == 0) throw Bad(source, at, "is an empty list (containers-policy.json forbids it: say insecureAcceptAnything or reject)");
        return result;
    }

    private static PolicyRequirement Requirement(JsonElement item, string source, string at)
    {
        if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("type", out JsonElement typeElement) || typeElement.ValueKind != JsonValueKind.String)
            throw Bad(source, at, "must be an object with a \"type\"");
        string type = typeElement.GetString()!;
        string entry = $"{source}: {at} ({type})";
        switch (type)
        {
            case "insecureAcceptAnything":
                CheckKeys(item, ["type"], source, at);
                return new AcceptAnything(entry);
            case "reject":
                CheckKeys(item, ["type"], source, at);
                return new RejectAll(entry);
            case "signedBy":
                CheckKeys(item, ["type", "keyType", "keyPath", "keyPaths", "keyData", "signedIdentity"], source, at);
                string keyType = item.TryGetProperty("keyType", out JsonElement kt) ? (kt.ValueKind == JsonValueKind.String ? kt.GetString()! : kt.GetRawText()) : "";
                if (keyType != "GPGKeys")
                    throw Bad(source, at, $"keyType \"{keyType}\" is not supported (PodUnits checks GPGKeys, as containers/image does)");
                return new SignedBy(entry, Keys(item, source, at), Identity(item, source, at));
            case "sigstoreSigned":
                CheckKeys(item, ["type", "keyPath", "keyPaths", "keyData", "signedIdentity", "fulcio", "rekorPublicKeyPath", "rekorPublicKeyData"], source, at);
                if (item.TryGetProperty("fulcio", out _) || item.TryGetProperty("rekorPublicKeyPath", out _) || item.TryGetProperty("rekorPublicKeyData", out _))
                    throw Bad(source, at, "fulcio and rekor are not supported: PodUnits checks sigstore signatures by public key only (keyPath, keyPaths, keyData)");
                return new SigstoreSigned(entry, Keys(item, source, at), Identity(item, source, at));
            default:
                throw Bad(source, at, $"unknown requirement type \"{type}\" (known: insecureAcceptAnything, reject, signedBy, sigstoreSigned)");
        }
    }

    private static List<PolicyKey> Keys(JsonElement item, string source, string at)
    {
        var keys = new List<PolicyKey>();
        int given = 0;
        if (item.TryGetProperty("keyPath", out JsonElement path))
        {
            given++;
            keys.Add(new PolicyKey(AbsolutePath(path, source, at + ".keyPath"), null));
        }
        if (item.TryGetProperty("keyPaths", out JsonElement paths))
        {
            given++;
            if (paths.ValueKind != JsonValueKind.Array || paths.GetArrayLength() == 0) throw Bad(source, at + ".keyPaths", "must be a non-empty list of paths");
            keys.AddRange(paths.EnumerateArray().Select(p => new PolicyKey(AbsolutePath(p, source, at + ".keyPaths"), null)));
        }
        if (item.TryGetProperty("keyData", out JsonElement data))
        {
            given++;
            try
            {
                keys.Add(new PolicyKey(null, Convert.FromBase64String(data.GetString() ?? "")));
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException)
            {
                throw Bad(source, at + ".keyData", "must be base64");
            }
        }
        if (given != 1) throw Bad(source, at, "needs exactly one of keyPath, keyPaths and keyData");
        return keys;
    }

    private static string AbsolutePath(JsonElement element, string source, string at)
    {
        string? path = element.ValueKind == JsonValueKind.String ? element.GetString() : null;
        if (path is null || !path.StartsWith('/')) throw Bad(source, at, "must be an absolute path");
        return path;
    }

    private static SignedIdentity Identity(JsonElement item, string source, string at)
    {
        if (!item.TryGetProperty("signedIdentity", out JsonElement identity)) return SignedIdentity.Default;
        at += ".signedIdentity";
        string type = identity.ValueKind == JsonValueKind.Object && identity.TryGetProperty("type", out JsonElement t)
            ? (t.ValueKind == JsonValueKind.String ? t.GetString()! : t.GetRawText()) : "";
        switch (type)
        {
            case "matchExact":
                CheckKeys(identity, ["type"], source, at);
                return new MatchExact();
            case "matchRepoDigestOrExact":
                CheckKeys(identity, ["type"], source, at);
                return new MatchRepoDigestOrExact();
            case "matchRepository":
                CheckKeys(identity, ["type"], source, at);
                return new MatchRepository();
            case "exactReference":
                CheckKeys(identity, ["type", "dockerReference"], source, at);
                string reference = String(identity, "dockerReference", source, at);
                if (!ImageReference.TryParse(reference, out ImageReference? parsed, out string? why) || SignaturePayload.NamesOnlyARepository(reference))
                    throw Bad(source, at + ".dockerReference", $"\"{reference}\" is not a reference with a tag or digest{(why is null ? "" : ": " + why)}");
                return new ExactReference(parsed);
            case "exactRepository":
                CheckKeys(identity, ["type", "dockerRepository"], source, at);
                string repository = String(identity, "dockerRepository", source, at);
                if (!ImageReference.TryParse(repository, out ImageReference? repo, out string? whyRepo) || !SignaturePayload.NamesOnlyARepository(repository))
                    throw Bad(source, at + ".dockerRepository", $"\"{repository}\" is not a repository without tag or digest{(whyRepo is null ? "" : ": " + whyRepo)}");
                return new ExactRepository(SignedIdentity.Repository(repo));
            case "remapIdentity":
                CheckKeys(identity, ["type", "prefix", "signedPrefix"], source, at);
                return new RemapIdentity(Prefix(identity, "prefix", source, at), Prefix(identity, "signedPrefix", source, at));
            default:
                throw Bad(source, at, $"unknown type \"{type}\" (known: matchExact, matchRepoDigestOrExact, matchRepository, exactReference, exactRepository, remapIdentity)");
        }
    }

    /// <summary>A remapIdentity prefix: a host[:port], a namespace or a repository, without
    /// tag or digest (containers/image checks it at load too; found only at a pull, a bad
    /// one was reported as a bad image reference).</summary>
    private static string Prefix(JsonElement element, string key, string source, string at)
    {
        string prefix = String(element, key, source, at);
        string probe = prefix.Contains('/', StringComparison.Ordinal) ? prefix : prefix + "/x";
        if (!ImageReference.TryParse(probe, out ImageReference? parsed, out string? why) || !SignaturePayload.NamesOnlyARepository(probe)
            || !probe.StartsWith(parsed.Registry + "/", StringComparison.Ordinal))
            throw Bad(source, $"{at}.{key}", $"\"{prefix}\" is not a registry host, namespace or repository without tag or digest{(why is null ? "" : ": " + why)}");
        return prefix;
    }

    private static string String(JsonElement element, string key, string source, string at) =>
        element.TryGetProperty(key, out JsonElement value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } s
            ? s : throw Bad(source, $"{at}.{key}", "must be a non-empty string");

    private static void CheckKeys(JsonElement element, string[] known, string source, string at)
    {
        foreach (JsonProperty p in element.EnumerateObject())
        {
            if (!known.Contains(p.Name, StringComparer.Ordinal))
                throw Bad(source, at.Length == 0 ? p.Name : $"{at}.{p.Name}", $"unknown key (known here: {string.Join(", ", known)})");
        }
    }

    private static BadInputException Bad(string source, string at, string why) =>
        new(at.Length == 0 ? source : $"{source}: {at}", why);
}
