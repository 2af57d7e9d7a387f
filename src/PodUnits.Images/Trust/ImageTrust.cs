using System.Text;
using PodUnits.Core.Errors;
using PodUnits.Core.Naming;

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

    public Task CheckPullAsync(ImageReference image, string manifestDigest, AttachmentSource? attachments, CancellationToken cancellationToken) =>
        CheckPullAsync(image, image, manifestDigest, attachments, cancellationToken);

    /// <summary>The check of a pull of <paramref name="image"/> from <paramref name="source"/>
    /// (a mirror of it, or itself). As containers/image does it: the policy's scope and every
    /// signature's claimed identity are the image's own name, while registries.d's section
    /// and the signatures' location are the source's, where the signatures travel with the
    /// image (<paramref name="attachments"/> reads the source too).</summary>
    public async Task CheckPullAsync(ImageReference image, ImageReference source, string manifestDigest, AttachmentSource? attachments,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(source);
        List<(byte[] Data, string From)>? simple = null;
        IReadOnlyList<SigstoreSignature>? sigstore = null;
        SignatureLookaside.Section? section = lookaside.For(source);
        foreach (PolicyRequirement requirement in Policy.ForImage(image))
        {
            switch (requirement)
            {
                case AcceptAnything:
                    break;
                case RejectAll:
                    throw Refused(image, requirement, "the policy rejects every image in this scope");
                case SignedBy signedBy:
                    simple ??= await SimpleSignaturesAsync(source, manifestDigest, section, cancellationToken).ConfigureAwait(false);
                    CheckSimple(image, source, manifestDigest, signedBy, simple, section);
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

    /// <summary>Every signature to be found for <paramref name="image"/> (registries.d's
    /// lookaside; registry attachments where use-sigstore-attachments is on), each checked
    /// against the policy's requirement of its kind for that name. <paramref name="source"/>:
    /// where they are looked for, as in <see cref="CheckPullAsync(ImageReference, ImageReference, string, AttachmentSource?, CancellationToken)"/>.</summary>
    public async Task<List<SignatureFound>> FindAsync(ImageReference image, ImageReference source, string manifestDigest, AttachmentSource? attachments,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(source);
        var found = new List<SignatureFound>();
        string name = image.ToString();
        SignatureLookaside.Section? section = lookaside.For(source);
        IReadOnlyList<PolicyRequirement> requirements = Policy.ForImage(image);
        SignedBy? signedBy = requirements.OfType<SignedBy>().FirstOrDefault();
        // Without a signedBy here, an empty keyring: gpgv still says what the message claims.
        SignedBy keys = signedBy ?? new SignedBy("", [], SignedIdentity.Default);
        byte[] keyring = Keyring(keys);
        foreach ((byte[] data, string from) in await SimpleSignaturesAsync(source, manifestDigest, section, cancellationToken).ConfigureAwait(false))
        {
            string? problem = SimpleProblem(data, keyring, keys, manifestDigest, image, out byte[] content);
            found.Add(new(name, "simple signing", SignatureLookaside.SignatureUrl(section!.Lookaside!, source, manifestDigest, int.Parse(from["signature-".Length..],
                System.Globalization.CultureInfo.InvariantCulture)), ClaimedIdentity(content), signedBy is not null && problem is null,
                signedBy is null ? "the policy asks for no GPG signature here" : problem is null ? $"accepted by {signedBy.Entry}" : problem));
        }
        if (section is { UseSigstoreAttachments: true } && attachments is not null)
        {
            SigstoreSigned? sigstore = requirements.OfType<SigstoreSigned>().FirstOrDefault();
            int i = 0;
            foreach (SigstoreSignature signature in await attachments(cancellationToken).ConfigureAwait(false))
            {
                string location = $"{source.Registry}/{source.Repository}:{manifestDigest.Replace(':', '-')}.sig, layer {i++}";
                string? problem = sigstore is null ? null : SigstoreProblem(signature, sigstore, manifestDigest, image);
                found.Add(new(name, "sigstore", location, ClaimedIdentity(signature.Payload), sigstore is not null && problem is null,
                    sigstore is null ? "the policy asks for no sigstore signature here" : problem is null ? $"accepted by {sigstore.Entry}" : problem));
            }
        }
        return found;
    }

    private static string? ClaimedIdentity(byte[] payload)
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(payload);
            return doc.RootElement.GetProperty("critical").GetProperty("identity").GetProperty("docker-reference").GetString();
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>An archive or layout carries no signatures PodUnits can check: only
    /// insecureAcceptAnything lets it in. <paramref name="realPath"/> is the path with its
    /// symlinks resolved, which the scopes are matched against (as containers/image does),
    /// so a link under a trusted directory to a file elsewhere is judged where the file is;
    /// <paramref name="shown"/> is what the user gave, for the message.</summary>
    public void CheckImport(string transport, string realPath, string shown)
    {
        string where = realPath == Path.GetFullPath(shown) ? "" : $" ({shown} is {realPath})";
        foreach (PolicyRequirement requirement in Policy.ForPath(transport, realPath))
        {
            if (requirement is AcceptAnything) continue;
            throw new PodUnitsException($"import {shown}", requirement is RejectAll
                ? $"refused by {requirement.Entry}: the policy rejects every image in this scope{where}"
                : $"refused by {requirement.Entry}: a {transport} import carries no signature PodUnits can check (fetch the image from its registry instead){where}");
        }
    }

    /// <summary>
    /// An import sets <paramref name="name"/> (from RepoTags, an annotation or --name), and a
    /// pod that names it runs what the import put there. So the docker transport's policy for
    /// that name must accept an image without signatures too: where it demands signatures or
    /// rejects, the name can only be filled from its registry, where the policy is applied.
    /// Without this, a layout or archive from an accepted path could replace a protected
    /// name's image. Podman's load does not check this; PodUnits refuses.
    /// </summary>
    public void CheckImportName(ImageReference name, string shown)
    {
        foreach (PolicyRequirement requirement in Policy.ForImage(name))
        {
            if (requirement is AcceptAnything) continue;
            throw new PodUnitsException($"import {shown}", requirement is RejectAll
                ? $"refused by {requirement.Entry}: the policy rejects every image named {name.ToFamiliarString()} (import it under another name with --name)"
                : $"refused by {requirement.Entry}: {name.ToFamiliarString()} needs a signature an import cannot carry (fetch it from the registry, or import it under another name with --name)");
        }
    }

    /// <summary>A gpgv keyring of exactly the requirement's keys.</summary>
    private static byte[] Keyring(SignedBy requirement)
    {
        var keyring = new MemoryStream();
        foreach (PolicyKey key in requirement.Keys) keyring.Write(OpenPgpArmor.ToBinary(key.Read(requirement.Entry), requirement.Entry));
        return keyring.ToArray();
    }

    /// <summary>Null when the simple signature satisfies the requirement, else why not;
    /// <paramref name="content"/>: what it says, trusted or not.</summary>
    private static string? SimpleProblem(byte[] signature, byte[] keyring, SignedBy requirement, string manifestDigest, ImageReference image,
        out byte[] content)
    {
        byte[]? payload = GpgvVerifier.Verify(signature, keyring, out string why, out content);
        return payload is null ? why : SignaturePayload.Check(payload, SignaturePayload.SimpleSigningType, manifestDigest, image, requirement.Identity);
    }

    /// <summary>Null when the sigstore signature satisfies the requirement, else why not.</summary>
    private static string? SigstoreProblem(SigstoreSignature signature, SigstoreSigned requirement, string manifestDigest, ImageReference image)
    {
        string why = "";
        bool verified = requirement.Keys.Any(k => SigstoreVerifier.Verify(signature, Encoding.UTF8.GetString(k.Read(requirement.Entry)), out why));
        return verified ? SignaturePayload.Check(signature.Payload, SignaturePayload.SigstoreType, manifestDigest, image, requirement.Identity) : why;
    }

    private static void CheckSimple(ImageReference image, ImageReference source, string manifestDigest, SignedBy requirement,
        List<(byte[] Data, string From)> signatures, SignatureLookaside.Section? section)
    {
        if (signatures.Count == 0)
        {
            throw Refused(image, requirement, section?.Lookaside is { } url
                ? $"no signature found at {SignatureLookaside.SignatureUrl(url, source, manifestDigest, 1)}"
                : "no signature can be found: registries.d configures no lookaside for it");
        }
        byte[] keyring = Keyring(requirement);
        var reasons = new List<string>();
        foreach ((byte[] data, string from) in signatures)
        {
            string? problem = SimpleProblem(data, keyring, requirement, manifestDigest, image, out _);
            if (problem is null) return;
            reasons.Add($"{from}: {problem}");
        }
        throw Refused(image, requirement, string.Join("; ", reasons));
    }

    private static void CheckSigstore(ImageReference image, string manifestDigest, SigstoreSigned requirement, IReadOnlyList<SigstoreSignature> signatures)
    {
        if (signatures.Count == 0) throw Refused(image, requirement, "the registry holds no sigstore signature for it");
        var reasons = new List<string>();
        foreach (SigstoreSignature signature in signatures)
        {
            string? problem = SigstoreProblem(signature, requirement, manifestDigest, image);
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
