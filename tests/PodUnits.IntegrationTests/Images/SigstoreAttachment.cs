using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace PodUnits.IntegrationTests.Images;

/// <summary>
/// Attaches a sigstore signature to an image in a registry the way cosign does (the
/// manifest tagged sha256-HEX.sig, one layer holding the signed payload, the signature in
/// its dev.cosignproject.cosign/signature annotation), through the registry's own
/// distribution API. Debian 12 ships no tool that makes a sigstore key (skopeo 1.9 signs
/// only with cosign's encrypted key format and cannot generate one), so the test signs with
/// an ECDSA P-256 key of its own, as cosign's default keys are.
/// </summary>
internal static class SigstoreAttachment
{
    public static async Task AttachAsync(string host, string repository, string manifestDigest, string signedReference, ECDsa key)
    {
        byte[] payload = Encoding.UTF8.GetBytes(
            $$$"""{"critical":{"identity":{"docker-reference":"{{{signedReference}}}"},"image":{"docker-manifest-digest":"{{{manifestDigest}}}"},"type":"cosign container image signature"},"optional":null}""");
        string signature = Convert.ToBase64String(key.SignData(payload, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        byte[] config = "{}"u8.ToArray();
        using var http = new HttpClient { BaseAddress = new Uri($"http://{host}/v2/{repository}/") };
        string payloadDigest = await UploadAsync(http, payload), configDigest = await UploadAsync(http, config);
        string manifest = $$$"""
            {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
             "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "size": {{{config.Length}}}, "digest": "{{{configDigest}}}"},
             "layers": [{"mediaType": "application/vnd.dev.cosign.simplesigning.v1+json", "size": {{{payload.Length}}}, "digest": "{{{payloadDigest}}}",
                         "annotations": {"dev.cosignproject.cosign/signature": "{{{signature}}}"}}]}
            """;
        using var content = new StringContent(manifest, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.oci.image.manifest.v1+json");
        using HttpResponseMessage put = await http.PutAsync($"manifests/{manifestDigest.Replace(':', '-')}.sig", content);
        put.EnsureSuccessStatusCode();
    }

    private static async Task<string> UploadAsync(HttpClient http, byte[] blob)
    {
        string digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(blob));
        using HttpResponseMessage start = await http.PostAsync("blobs/uploads/", null);
        start.EnsureSuccessStatusCode();
        Uri location = start.Headers.Location!;
        string url = location.ToString() + (location.ToString().Contains('?', StringComparison.Ordinal) ? "&" : "?") + "digest=" + digest;
        using var body = new ByteArrayContent(blob);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using HttpResponseMessage put = await http.PutAsync(new Uri(http.BaseAddress!, url), body);
        put.EnsureSuccessStatusCode();
        return digest;
    }
}
