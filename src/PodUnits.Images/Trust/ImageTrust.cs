using System.Text;
using PodUnits.Core.Errors;
using PodUnits.Images.References;

namespace PodUnits.Images.Trust;

/// <summary>
/// Applies the trust policy to an image as it enters the store: after the registry's
/// manifest is fetched and before any layer is (pull), or before an archive's blobs are
/// stored (import). Every requirement of the image's scope must hold; a refusal names the
/// policy entry. Signatures are checked against the manifest the reference resolves to at
/// the top (an index when the tag names one), as containers/image does.
/// </summary>
public sealed class ImageTrust(TrustPolicy policy, SignatureLookaside lookaside)
{
    public TrustPolicy Policy { get; } = policy;

    public static ImageTrust Load() => new(TrustPolicy.Load(), SignatureLookaside.Load());

    /// <summary>Where sigstore attachments come from (the registry); null: none.</summary>
    public delegate Task<IReadOnlyList<SigstoreSignature>> AttachmentSource(CancellationToken cancellationToken);

    public async Task CheckPullAsync(ImageReference image, string manifestDigest, AttachmentSource? attachments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        List<(byte[] Data, string From)>? simple = null;
        IReadOnlyList<SigstoreSignature>? sigstore = null;
        SignatureLookaside.Section? section = lookaside.For(image);
        foreach (PolicyRequirement requirement in Policy.ForImage(image))
        {
            switch (requirement)
            {
                case AcceptAnything:
                    break;
                case RejectAll:
                    throw Refused(image, requirement, "the policy rejects every image in this scope");
                case SignedBy signedBy:
                    simple ??= await SimpleSignaturesAsync(image, manifestDigest, section, cancellationToken).ConfigureAwait(false);
                    CheckSimple(image, manifestDigest, signedBy, simple, section);
                    break;
                case SigstoreSigned signed:
                    if (section is not { UseSigstoreAttachments: true } || attachments is null)
                        throw Refused(image, requirement, "its registries.d configuration does not say use-sigstore-attachments: true, so no sigstore signature can be found");
                    sigstore ??= await attachments(cancellationToken).ConfigureAwait(false);
                    CheckSigstore(image, manifestDigest, signed, sigstore);
                    break;
            }
        }
    }

    /// <summary>An archive or layout carries no signatures PodUnits can check: only
    /// insecureAcceptAnything lets it in.</summary>
    public void CheckImport(string transport, string path)
    {
        foreach (PolicyRequirement requirement in Policy.ForPath(transport, path))
        {
            if (requirement is AcceptAnything) continue;
            throw new PodUnitsException($"import {path}", requirement is RejectAll
                ? $"refused by {requirement.Entry}: the policy rejects every image in this scope"
                : $"refused by {requirement.Entry}: a {transport} import carries no signature PodUnits can check (fetch the image from its registry instead)");
        }
    }

    private static void CheckSimple(ImageReference image, string manifestDigest, SignedBy requirement, List<(byte[] Data, string From)> signatures,
        SignatureLookaside.Section? section)
    {
        if (signatures.Count == 0)
        {
            throw Refused(image, requirement, section?.Lookaside is { } url
                ? $"no signature found at {SignatureLookaside.SignatureUrl(url, image, manifestDigest, 1)}"
                : "no signature can be found: registries.d configures no lookaside for it");
        }
        var keyring = new MemoryStream();
        foreach (PolicyKey key in requirement.Keys) keyring.Write(OpenPgpArmor.ToBinary(key.Read(requirement.Entry), requirement.Entry));
        var reasons = new List<string>();
        foreach ((byte[] data, string from) in signatures)
        {
            byte[]? payload = GpgvVerifier.Verify(data, keyring.ToArray(), out string why);
            string? problem = payload is null ? why : SignaturePayload.Check(payload, SignaturePayload.SimpleSigningType, manifestDigest, image, requirement.Identity);
            if (problem is null) return;
            reasons.Add($"{from}: {problem}");
        }
        throw Refused(image, requirement, string.Join("; ", reasons));
    }

    private static void CheckSigstore(ImageReference image, string manifestDigest, SigstoreSigned requirement, IReadOnlyList<SigstoreSignature> signatures)
    {
        if (signatures.Count == 0) throw Refused(image, requirement, "the registry holds no sigstore signature for it");
        var reasons = new List<string>();
        string[] keys = [.. requirement.Keys.Select(k => Encoding.UTF8.GetString(k.Read(requirement.Entry)))];
        foreach (SigstoreSignature signature in signatures)
        {
            string why = "";
            bool verified = keys.Any(k => SigstoreVerifier.Verify(signature, k, out why));
            string? problem = verified
                ? SignaturePayload.Check(signature.Payload, SignaturePayload.SigstoreType, manifestDigest, image, requirement.Identity)
                : why;
            if (problem is null) return;
            reasons.Add(problem);
        }
        throw Refused(image, requirement, string.Join("; ", reasons.Distinct(StringComparer.Ordinal)));
    }

    /// <summary>signature-1, -2, ... from the lookaside until one is missing (at most 16).</summary>
    private static async Task<List<(byte[], string)>> SimpleSignaturesAsync(ImageReference image, string manifestDigest,
        SignatureLookaside.Section? section, CancellationToken cancellationToken)
    {
        var result = new List<(byte[], string)>();
        if (section?.Lookaside is not { } lookasideUrl) return result;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        for (int i = 1; i <= 16; i++)
        {
            string url = SignatureLookaside.SignatureUrl(lookasideUrl, image, manifestDigest, i);
            byte[]? data = await SignatureLookaside.ReadAsync(url, http, cancellationToken).ConfigureAwait(false);
            if (data is null) break;
            result.Add((data, $"signature-{i}"));
        }
        return result;
    }

    private static PodUnitsException Refused(ImageReference image, PolicyRequirement requirement, string why) =>
        new($"image {image.ToFamiliarString()}", $"refused by {requirement.Entry}: {why}");
}
