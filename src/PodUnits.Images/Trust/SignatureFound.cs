namespace PodUnits.Images.Trust;

/// <summary>A signature `podunits image inspect` found for one of an image's names.
/// Kind: "simple signing" (lookaside) or "sigstore" (registry attachment). Identity: the
/// docker-reference it claims (read even when unverified, for information only). Verified:
/// whether it satisfies the policy's requirement of its kind for that name; Detail says
/// which entry accepted it, why not, or that the policy asks for no signature of its kind.</summary>
public sealed record SignatureFound(string Reference, string Kind, string Location, string? Identity, bool Verified, string Detail);
