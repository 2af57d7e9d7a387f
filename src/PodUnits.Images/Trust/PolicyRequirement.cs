namespace PodUnits.Images.Trust;

/// <summary>One requirement of containers-policy.json(5). <see cref="Entry"/> names it for
/// messages: the file and the JSON path, e.g.
/// <c>/etc/podunits/policy.json: transports.docker["registry.example/app"][0] (signedBy)</c>.</summary>
public abstract record PolicyRequirement(string Entry);

/// <summary><c>insecureAcceptAnything</c>: any image, signed or not.</summary>
public sealed record AcceptAnything(string Entry) : PolicyRequirement(Entry);

/// <summary><c>reject</c>: no image.</summary>
public sealed record RejectAll(string Entry) : PolicyRequirement(Entry);

/// <summary><c>signedBy</c> with keyType GPGKeys: at least one "simple signing" signature
/// made by one of <see cref="Keys"/> (OpenPGP public keys, binary or armored) for this
/// manifest and an identity <see cref="Identity"/> accepts.</summary>
public sealed record SignedBy(string Entry, IReadOnlyList<PolicyKey> Keys, SignedIdentity Identity) : PolicyRequirement(Entry);

/// <summary><c>sigstoreSigned</c> with a public key (keyPath, keyPaths or keyData, PEM):
/// at least one sigstore signature, attached to the image in the registry, made by one of
/// <see cref="Keys"/> for this manifest and an accepted identity.</summary>
public sealed record SigstoreSigned(string Entry, IReadOnlyList<PolicyKey> Keys, SignedIdentity Identity) : PolicyRequirement(Entry);

/// <summary>A key as the policy names it: a file (keyPath, keyPaths), read when an image is
/// checked (as containers/image does, so a missing key file only matters to the scopes
/// that use it), or inline bytes (keyData).</summary>
public sealed record PolicyKey(string? Path, byte[]? Data)
{
    public byte[] Read(string entry)
    {
        if (Data is not null) return Data;
        try
        {
            return File.ReadAllBytes(Path!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new Core.Errors.PodUnitsException(entry, $"cannot read key file {Path}: {e.Message}");
        }
    }
}
