using System.Text.Json;
using PodUnits.Core.Naming;

namespace PodUnits.Images.Trust;

/// <summary>
/// The JSON both signature kinds sign (containers-signature(5)):
/// <c>{"critical": {"type": T, "image": {"docker-manifest-digest": D}, "identity":
/// {"docker-reference": R}}, "optional": {...}}</c>. A signature vouches for an image only
/// when T is its kind's type, D is the manifest's digest and the policy's signedIdentity
/// accepts R for the reference pulled. Unknown keys in "critical" refuse it, as the format
/// requires.
/// </summary>
public static class SignaturePayload
{
    public const string SimpleSigningType = "atomic container signature";
    public const string SigstoreType = "cosign container image signature";

    /// <summary>Whether a docker-reference has neither a tag nor a digest (a ':' after the
    /// last '/' is a tag's; before it, a registry's port).</summary>
    public static bool NamesOnlyARepository(string reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return !reference.Contains('@', StringComparison.Ordinal) && !reference[(reference.LastIndexOf('/') + 1)..].Contains(':', StringComparison.Ordinal);
    }

    /// <summary>Null when the payload vouches for the image, else why not.</summary>
    public static string? Check(byte[] payload, string expectedType, string manifestDigest, ImageReference image, SignedIdentity identity)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(payload, new JsonDocumentOptions { AllowDuplicateProperties = false });
            if (!doc.RootElement.TryGetProperty("critical", out JsonElement critical) || critical.ValueKind != JsonValueKind.Object)
                return "its payload has no \"critical\" section";
            if (critical.EnumerateObject().Any(p => p.Name is not ("type" or "image" or "identity")))
                return "its payload's \"critical\" section has keys this version does not know";
            string? type = critical.TryGetProperty("type", out JsonElement t) ? t.GetString() : null;
            if (type != expectedType) return $"its payload's type is \"{type}\", not \"{expectedType}\"";
            string? digest = critical.TryGetProperty("image", out JsonElement i) && i.TryGetProperty("docker-manifest-digest", out JsonElement d) ? d.GetString() : null;
            if (digest != manifestDigest) return $"it signs manifest {digest}, not {manifestDigest}";
            string? signed = critical.TryGetProperty("identity", out JsonElement id) && id.TryGetProperty("docker-reference", out JsonElement r) ? r.GetString() : null;
            if (signed is null || !ImageReference.TryParse(signed, out ImageReference? signedReference, out _))
                return "its payload names no valid docker-reference";
            if (NamesOnlyARepository(signed) && !identity.AcceptsRepositoryOnly)
                return $"it signs only the repository {signed}, not a tag or digest (as cosign signs): only signedIdentity matchRepository or exactRepository accepts that (add \"signedIdentity\": {{\"type\": \"matchRepository\"}} to the requirement), and then any signed image of the repository passes for any tag";
            return identity.Accepts(image, signedReference) ? null : $"it signs the identity {signed}, which the policy's signedIdentity does not accept for {image}";
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return "its payload is not valid JSON";
        }
    }
}
