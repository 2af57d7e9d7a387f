using System.Text.Json;
using PodUnits.Core.Errors;

namespace PodUnits.Images.Oci;

/// <summary>Tells manifests from indexes by their content, which the digest and any
/// signature cover, never by a registry's Content-Type alone (CVE-2021-41190 class).</summary>
public static class ManifestKind
{
    /// <summary>
    /// True for an index, false for a manifest. The body decides: its mediaType field, else
    /// its shape ("manifests", or "config"/"layers"); the Content-Type only when the body says
    /// neither. Refused, as containerd's validateMediaType and containers/image's
    /// ValidateUnambiguousManifestFormat refuse them: a body with both shapes, a body whose
    /// mediaType names the other kind than its shape, and a Content-Type naming the other
    /// kind than the body. Otherwise a mirror could make one signed document read as either.
    /// </summary>
    /// <param name="what">Names the document in errors ("manifest of REF").</param>
    public static bool IsIndex(ReadOnlySpan<byte> json, string? contentType, string what)
    {
        (string? mediaType, bool hasManifests, bool hasImageFields) = Fields(json);
        if (hasManifests && hasImageFields)
            throw new PodUnitsException(what, "has both 'manifests' (an index) and 'config' or 'layers' (a manifest); refused as ambiguous");
        bool? byShape = hasManifests ? true : hasImageFields ? false : null;
        bool? byMediaType = KindOf(mediaType);
        if (byMediaType is not null && byShape is not null && byMediaType != byShape)
            throw new PodUnitsException(what, $"says mediaType {mediaType} but has the fields of {Name(byShape.Value)}; refused");
        bool? byBody = byMediaType ?? byShape;
        bool? byHeader = KindOf(contentType);
        if (byBody is not null && byHeader is not null && byBody != byHeader)
            throw new PodUnitsException(what, $"is {Name(byBody.Value)} but the registry sent it as {contentType}; refused");
        return byBody ?? byHeader ?? false;
    }

    private static bool? KindOf(string? mediaType) =>
        MediaTypes.IsIndex(mediaType) ? true : MediaTypes.IsManifest(mediaType) ? false : null;

    private static string Name(bool index) => index ? "an index" : "a manifest";

    /// <summary>The top-level fields that tell the kinds apart. A field that is null counts
    /// as absent, as it does when the document is deserialized; a repeated field counts by
    /// its last value, which is the one the deserializer keeps.</summary>
    private static (string? MediaType, bool HasManifests, bool HasImageFields) Fields(ReadOnlySpan<byte> json)
    {
        string? mediaType = null;
        bool manifests = false, config = false, layers = false;
        var reader = new Utf8JsonReader(json);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return (null, false, false);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string? name = reader.GetString();
                reader.Read();
                bool present = reader.TokenType != JsonTokenType.Null;
                switch (name)
                {
                    case "mediaType": mediaType = reader.TokenType == JsonTokenType.String ? reader.GetString() : null; break;
                    case "manifests": manifests = present; break;
                    case "config": config = present; break;
                    case "layers": layers = present; break;
                }
                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // Not JSON, or cut short: deserializing it says so, naming the document.
        }
        return (mediaType, manifests, config || layers);
    }

    /// <summary>The host platform in OCI words (x86_64 is amd64, aarch64 arm64).</summary>
    public static string HostArchitecture() => System.Runtime.InteropServices.RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 => "amd64",
        System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
        System.Runtime.InteropServices.Architecture.Arm => "arm",
        System.Runtime.InteropServices.Architecture.X86 => "386",
        System.Runtime.InteropServices.Architecture.S390x => "s390x",
        System.Runtime.InteropServices.Architecture.Ppc64le => "ppc64le",
        _ => "unknown",
    };

    /// <summary>Picks the manifest for linux/<paramref name="architecture"/> from an index;
    /// null when there is none (the caller names the platforms that exist). Among several of
    /// the architecture, the variant decides as containerd's default matcher does
    /// (<see cref="VariantRank"/>); the first of equal rank wins. An entry that names no
    /// platform at all (some OCI tools write an index of one such) is taken last, as
    /// containerd's filter and `image import` (<see cref="Suits"/>) take it.</summary>
    public static Descriptor? SelectPlatform(ImageIndex index, string architecture, string os = "linux")
    {
        Descriptor? best = null;
        int bestRank = -2;
        foreach (Descriptor d in index.Manifests)
        {
            if (d.Platform is null)
            {
                if (bestRank < -1)
                {
                    (best, bestRank) = (d, -1);
                }
                continue;
            }
            // Attestation manifests (BuildKit) carry platform unknown/unknown and are skipped here.
            if (d.Platform.Os != os || d.Platform.Architecture != architecture) continue;
            if (VariantRank(architecture, d.Platform.Variant) is int rank && rank > bestRank)
            {
                (best, bestRank) = (d, rank);
            }
        }
        return best;
    }

    /// <summary>Whether a manifest of <paramref name="platform"/> runs here: no platform said
    /// (a single image's manifest), or linux on this architecture in a variant it runs.</summary>
    public static bool Suits(Platform? platform, string architecture, string os = "linux") =>
        platform is null || (platform.Os == os && platform.Architecture == architecture && VariantRank(architecture, platform.Variant) is not null);

    /// <summary>
    /// How well a variant of <paramref name="architecture"/> suits this host, higher better;
    /// null when it may not run at all. As containerd's platforms package decides it without
    /// reading the CPU's features: amd64 takes the baseline only (no variant, or v1: a v2-v4
    /// build needs instructions an older CPU lacks, and dies of SIGILL); arm64 takes v8 (or
    /// none), not a later one; 32-bit arm prefers v7 (what no variant means), then v6, then v5.
    /// Other architectures have no variants that matter: any is taken.
    /// </summary>
    internal static int? VariantRank(string architecture, string? variant) => architecture switch
    {
        "amd64" => variant is null or "" or "v1" ? 0 : null,
        "arm64" => variant is null or "" or "v8" ? 0 : null,
        "arm" => variant switch
        {
            null or "" or "v7" => 3,
            "v6" => 2,
            "v5" => 1,
            _ => null,
        },
        _ => 0,
    };
}
