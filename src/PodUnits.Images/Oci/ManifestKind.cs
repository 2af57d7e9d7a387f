using System.Text.Json;

namespace PodUnits.Images.Oci;

/// <summary>Tells manifests from indexes by their content (mediaType, or the presence of
/// "manifests"), as a registry's Content-Type or an OCI layout may not say.</summary>
public static class ManifestKind
{
    public static bool IsIndex(ReadOnlySpan<byte> json, string? contentType)
    {
        if (MediaTypes.IsIndex(contentType)) return true;
        if (MediaTypes.IsManifest(contentType)) return false;
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string? name = reader.GetString();
            reader.Read();
            if (name == "mediaType" && reader.TokenType == JsonTokenType.String)
            {
                string? mt = reader.GetString();
                if (MediaTypes.IsIndex(mt)) return true;
                if (MediaTypes.IsManifest(mt)) return false;
            }
            if (name == "manifests") return true;
            if (name == "layers") return false;
            reader.Skip();
        }
        return false;
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
    /// null when there is none (the caller names the platforms that exist).</summary>
    public static Descriptor? SelectPlatform(ImageIndex index, string architecture, string os = "linux")
    {
        Descriptor? best = null;
        foreach (Descriptor d in index.Manifests)
        {
            if (d.Platform is null || d.Platform.Os != os || d.Platform.Architecture != architecture) continue;
            // Attestation manifests (BuildKit) carry platform unknown/unknown and are skipped above.
            // For arm64, prefer variant v8 or none; otherwise the first match wins.
            if (best is null || (architecture == "arm64" && d.Platform.Variant is null or "v8" && best.Platform?.Variant is not (null or "v8")))
                best = d;
        }
        return best;
    }
}
