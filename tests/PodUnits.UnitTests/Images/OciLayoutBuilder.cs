using System.Security.Cryptography;
using System.Text;

namespace PodUnits.Tests.Images;

/// <summary>Writes an OCI image layout (oci-layout, index.json, blobs/sha256) from layer
/// blobs, for import tests and for pushing to a registry with skopeo.</summary>
internal static class OciLayoutBuilder
{
    public static string Hex(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>Returns the manifest digest. <paramref name="tars"/> are the uncompressed
    /// layer tars (diff_ids); <paramref name="blobs"/> what is stored (maybe compressed).
    /// <paramref name="configFields"/>: the members of the config's "config" object as JSON,
    /// instead of Env, Cmd and WorkingDir (a field of the wrong type, say).</summary>
    public static string Write(string dir, IReadOnlyList<byte[]> tars, IReadOnlyList<byte[]> blobs, string layerMediaType,
        string? refName = null, string[]? cmd = null, string[]? mediaTypes = null, string path = "/bin", string? configFields = null)
    {
        Directory.CreateDirectory(dir + "/blobs/sha256");
        File.WriteAllText(dir + "/oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}");
        string diffIds = string.Join(",", tars.Select(t => $"\"sha256:{Hex(t)}\""));
        string cmdJson = string.Join(",", (cmd ?? ["/bin/sh"]).Select(c => $"\"{c}\""));
        string fields = configFields ?? $"\"Env\":[\"PATH={path}\"],\"Cmd\":[{cmdJson}],\"WorkingDir\":\"/\"";
        byte[] config = Encoding.UTF8.GetBytes(
            "{\"created\":\"2024-01-01T00:00:00Z\",\"architecture\":\"amd64\",\"os\":\"linux\"," +
            $"\"config\":{{{fields}}}," +
            $"\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":[{diffIds}]}}}}");
        Put(dir, config);
        foreach (byte[] b in blobs) Put(dir, b);
        string layers = string.Join(",", blobs.Select((b, i) => $"{{\"mediaType\":\"{mediaTypes?[i] ?? layerMediaType}\",\"digest\":\"sha256:{Hex(b)}\",\"size\":{b.Length}}}"));
        byte[] manifest = Encoding.UTF8.GetBytes(
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"," +
            $"\"config\":{{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:{Hex(config)}\",\"size\":{config.Length}}}," +
            $"\"layers\":[{layers}]}}");
        Put(dir, manifest);
        string annotations = refName is null ? "" : $",\"annotations\":{{\"org.opencontainers.image.ref.name\":\"{refName}\"}}";
        File.WriteAllText(dir + "/index.json",
            "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"," +
            $"\"digest\":\"sha256:{Hex(manifest)}\",\"size\":{manifest.Length}{annotations}}}]}}");
        return "sha256:" + Hex(manifest);
    }

    private static void Put(string dir, byte[] blob) => File.WriteAllBytes($"{dir}/blobs/sha256/{Hex(blob)}", blob);
}
