using PodUnits.Core.Naming;

namespace PodUnits.Images.Trust;

/// <summary>
/// signedIdentity of containers-policy.json(5): which identity (docker-reference) in a
/// signature is acceptable for the image being pulled. Default matchRepoDigestOrExact.
/// </summary>
public abstract record SignedIdentity
{
    public static readonly SignedIdentity Default = new MatchRepoDigestOrExact();

    /// <summary>Whether a signature claiming <paramref name="claimed"/> may vouch for an image
    /// pulled as <paramref name="image"/>.</summary>
    public abstract bool Accepts(ImageReference image, ImageReference claimed);

    /// <summary>Whether a signature that names only a repository, no tag or digest (what
    /// cosign signs), can vouch at all. Only the repository rules accept one, as in
    /// containers/image, whose man page calls that choice open to tag substitution: under
    /// the others "reg/app" would read as "reg/app:latest", and anyone able to move the tag
    /// could point it at any other signed build (trust review of 2026-12-06, finding 1).</summary>
    public virtual bool AcceptsRepositoryOnly => false;

    internal static string Repository(ImageReference r) => $"{r.Registry}/{r.Repository}";

    /// <summary>The full form with "latest" for a reference that names neither tag nor
    /// digest (as distribution/reference's TagNameOnly does).</summary>
    internal static string Exact(ImageReference r) =>
        (r.Tag is null && r.Digest is null ? r with { Tag = "latest" } : r).ToString();
}

/// <summary>The signature's identity must be the pulled reference, exactly.</summary>
public sealed record MatchExact : SignedIdentity
{
    public override bool Accepts(ImageReference image, ImageReference claimed) => Exact(image) == Exact(claimed);
}

/// <summary>A digest reference: the same repository; a tag: exactly the same reference. A
/// reference with both (app:1.4@sha256:..., the pin docs/packaging.md recommends) is a digest
/// reference: its tag is dropped, as podman's libimage drops it before containers/image sees
/// it (which refuses the pair). Before, such a pin was refused under every signedBy.</summary>
public sealed record MatchRepoDigestOrExact : SignedIdentity
{
    public override bool Accepts(ImageReference image, ImageReference claimed) =>
        image.Digest is not null ? Repository(image) == Repository(claimed) : Exact(image) == Exact(claimed);
}

/// <summary>The same repository, whatever the tag.</summary>
public sealed record MatchRepository : SignedIdentity
{
    public override bool AcceptsRepositoryOnly => true;

    public override bool Accepts(ImageReference image, ImageReference claimed) => Repository(image) == Repository(claimed);
}

/// <summary>The signature names exactly this reference, whatever the image was pulled as.</summary>
public sealed record ExactReference(ImageReference Reference) : SignedIdentity
{
    public override bool Accepts(ImageReference image, ImageReference claimed) => Exact(Reference) == Exact(claimed);
}

/// <summary>The signature names this repository, whatever the image was pulled as.</summary>
public sealed record ExactRepository(string RepositoryName) : SignedIdentity
{
    public override bool AcceptsRepositoryOnly => true;

    public override bool Accepts(ImageReference image, ImageReference claimed) => RepositoryName == Repository(claimed);
}

/// <summary>Images under <see cref="Prefix"/> are signed as if under <see cref="SignedPrefix"/>
/// (a mirror); then matchRepoDigestOrExact.</summary>
public sealed record RemapIdentity(string Prefix, string SignedPrefix) : SignedIdentity
{
    /// <summary>
    /// The prefix is matched against the image's repository name alone, whole or up to a '/',
    /// as containers/image's refMatchesPrefix: matched against the full reference, a ':' after
    /// the prefix also matched a port, so "mirror.example" remapped
    /// mirror.example:5000/app, another registry (trust review of 2026-12-07, finding 4). A
    /// remapped name that is no reference (a signedPrefix with a path before a port) is not
    /// accepted, rather than thrown as a bad image reference from the policy check.
    /// </summary>
    public override bool Accepts(ImageReference image, ImageReference claimed)
    {
        string name = Repository(image);
        if (!(name == Prefix || name.StartsWith(Prefix + "/", StringComparison.Ordinal)))
        {
            return Default.Accepts(image, claimed);
        }
        string full = image.ToString();
        if (!full.StartsWith(Prefix, StringComparison.Ordinal)
            || !ImageReference.TryParse(SignedPrefix + full[Prefix.Length..], out ImageReference? mapped, out _))
        {
            return false;
        }
        return Default.Accepts(mapped, claimed);
    }
}
