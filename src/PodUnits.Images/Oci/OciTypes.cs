using System.Text.Json.Serialization;

namespace PodUnits.Images.Oci;

/// <summary>The media types PodUnits reads (OCI image-spec and Docker's v2 schema 2).</summary>
public static class MediaTypes
{
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    public const string OciConfig = "application/vnd.oci.image.config.v1+json";
    public const string OciLayer = "application/vnd.oci.image.layer.v1.tar";
    public const string OciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
    public const string OciLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd";
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string DockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";

    public static bool IsIndex(string? mediaType) => mediaType is OciIndex or DockerManifestList;

    public static bool IsManifest(string? mediaType) => mediaType is OciManifest or DockerManifest;

    /// <summary>What a registry is asked for: every manifest kind we understand.</summary>
    public const string Accept = OciIndex + ", " + DockerManifestList + ", " + OciManifest + ", " + DockerManifest;
}

public sealed class Descriptor
{
    [JsonPropertyName("mediaType")] public string? MediaType { get; set; }
    [JsonPropertyName("digest")] public string Digest { get; set; } = "";
    [JsonPropertyName("size")] public long Size { get; set; }
    [JsonPropertyName("platform")] public Platform? Platform { get; set; }
    [JsonPropertyName("annotations")] public Dictionary<string, string>? Annotations { get; set; }
}

public sealed class Platform
{
    [JsonPropertyName("architecture")] public string Architecture { get; set; } = "";
    [JsonPropertyName("os")] public string Os { get; set; } = "";
    [JsonPropertyName("variant")] public string? Variant { get; set; }
}

/// <summary>An image manifest (OCI or Docker v2 schema 2: same shape).</summary>
public sealed class ImageManifest
{
    [JsonPropertyName("schemaVersion")] public int SchemaVersion { get; set; }
    [JsonPropertyName("mediaType")] public string? MediaType { get; set; }
    [JsonPropertyName("config")] public Descriptor Config { get; set; } = new();
    [JsonPropertyName("layers")] public List<Descriptor> Layers { get; set; } = [];
    [JsonPropertyName("annotations")] public Dictionary<string, string>? Annotations { get; set; }

    /// <summary>Config and layers together, saturating at long.MaxValue: a manifest stored
    /// before sizes were checked may give sizes whose checked sum overflowed, and every start
    /// of a pod naming it ended in "internal error" (images review of 2026-12-07, finding 5).</summary>
    public long TotalSize() => Layers.Aggregate(Math.Max(0, Config.Size),
        (total, layer) => Math.Max(0, layer.Size) > long.MaxValue - total ? long.MaxValue : total + Math.Max(0, layer.Size));
}

/// <summary>An image index or Docker manifest list; also an OCI layout's index.json.</summary>
public sealed class ImageIndex
{
    [JsonPropertyName("schemaVersion")] public int SchemaVersion { get; set; }
    [JsonPropertyName("mediaType")] public string? MediaType { get; set; }
    [JsonPropertyName("manifests")] public List<Descriptor> Manifests { get; set; } = [];
}

/// <summary>The parts of an image configuration a pod needs.</summary>
public sealed class ImageConfigFile
{
    [JsonPropertyName("created")] public string? Created { get; set; }
    [JsonPropertyName("architecture")] public string? Architecture { get; set; }
    [JsonPropertyName("os")] public string? Os { get; set; }
    [JsonPropertyName("config")] public ImageConfig? Config { get; set; }
    [JsonPropertyName("rootfs")] public RootFs? RootFs { get; set; }
}

/// <summary>How the image wants to be run (OCI config "config" object).</summary>
public sealed class ImageConfig
{
    [JsonPropertyName("User")] public string? User { get; set; }
    [JsonPropertyName("Env")] public List<string>? Env { get; set; }
    [JsonPropertyName("Entrypoint")] public List<string>? Entrypoint { get; set; }
    [JsonPropertyName("Cmd")] public List<string>? Cmd { get; set; }
    [JsonPropertyName("WorkingDir")] public string? WorkingDir { get; set; }
    [JsonPropertyName("StopSignal")] public string? StopSignal { get; set; }
}

public sealed class RootFs
{
    [JsonPropertyName("type")] public string Type { get; set; } = "layers";
    [JsonPropertyName("diff_ids")] public List<string> DiffIds { get; set; } = [];
}

/// <summary>One entry of a `docker save` archive's manifest.json.</summary>
public sealed class DockerArchiveEntry
{
    [JsonPropertyName("Config")] public string Config { get; set; } = "";
    [JsonPropertyName("RepoTags")] public List<string>? RepoTags { get; set; }
    [JsonPropertyName("Layers")] public List<string> Layers { get; set; } = [];
}

/// <summary>The bearer token answer of a registry's token service.</summary>
public sealed class TokenResponse
{
    [JsonPropertyName("token")] public string? Token { get; set; }
    [JsonPropertyName("access_token")] public string? AccessToken { get; set; }
}

/// <summary>A docker/podman auth file: {"auths":{"host":{"auth":"base64(user:pass)"}}}.</summary>
public sealed class AuthFile
{
    [JsonPropertyName("auths")] public Dictionary<string, AuthEntry>? Auths { get; set; }
}

public sealed class AuthEntry
{
    [JsonPropertyName("auth")] public string? Auth { get; set; }
}

/// <summary>The store's reference table (refs.json): normalized reference to manifest digest.</summary>
public sealed class RefTable
{
    [JsonPropertyName("refs")] public SortedDictionary<string, string> Refs { get; set; } = new(StringComparer.Ordinal);
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = false)]
[JsonSerializable(typeof(ImageManifest))]
[JsonSerializable(typeof(ImageIndex))]
[JsonSerializable(typeof(ImageConfigFile))]
[JsonSerializable(typeof(List<DockerArchiveEntry>))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(AuthFile))]
[JsonSerializable(typeof(RefTable))]
public sealed partial class OciJsonContext : JsonSerializerContext;
