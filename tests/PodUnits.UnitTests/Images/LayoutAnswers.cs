using System.Net;

namespace PodUnits.UnitTests.Images;

/// <summary>What a registry answers for a manifest or blob GET, served from an OCI layout:
/// the in-memory registries of the tests share it.</summary>
internal static class LayoutAnswers
{
    /// <summary>The blob the URL's last component names (a digest), or the manifest
    /// <paramref name="manifestDigest"/> for a tag; 404 when the layout lacks it.</summary>
    public static HttpResponseMessage For(string url, string layoutDir, string manifestDigest)
    {
        string last = url[(url.LastIndexOf('/') + 1)..];
        string hex = last.StartsWith("sha256:", StringComparison.Ordinal) ? last[7..] : manifestDigest[7..];
        string path = $"{layoutDir}/blobs/sha256/{hex}";
        if (!File.Exists(path)) return new HttpResponseMessage(HttpStatusCode.NotFound);
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(File.ReadAllBytes(path)) };
        if (url.Contains("/manifests/", StringComparison.Ordinal))
            response.Content.Headers.ContentType = new("application/vnd.oci.image.manifest.v1+json");
        return response;
    }
}
