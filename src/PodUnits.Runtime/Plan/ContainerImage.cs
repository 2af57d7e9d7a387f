namespace PodUnits.Runtime.Plan;

/// <summary>
/// What the plan needs of a container's image, however it was found (the image store or a
/// <c>dir:</c> root filesystem): the overlay lower dirs and the OCI config's run settings.
/// </summary>
/// <param name="Reference">The image as the definition names it (for messages).</param>
/// <param name="LowerDirs">overlayfs lowerdir value: layer directories, top first, joined by ':'.</param>
/// <param name="Env">The image's ENV, "NAME=value" each.</param>
/// <param name="Uid">The image's USER as a number (names looked up in the image's
/// /etc/passwd), or null when the image names none.</param>
/// <param name="Gid">The group of the image's USER, or null.</param>
public sealed record ContainerImage(
    string Reference,
    string LowerDirs,
    IReadOnlyList<string>? Entrypoint,
    IReadOnlyList<string>? Cmd,
    IReadOnlyList<string> Env,
    string? WorkingDir,
    long? Uid,
    long? Gid)
{
    /// <summary>The image's /etc/passwd and /etc/group (null when it has none), for the
    /// groups its users belong to (supplementalGroupsPolicy Merge).</summary>
    public ImageAccounts Accounts { get; init; } = ImageAccounts.None;

    /// <summary>Why the image's USER names no account (a user or group its /etc/passwd or
    /// /etc/group lacks), or null. An error only for a container that does not set runAsUser:
    /// containerd looks the image's USER up only then.</summary>
    public string? UserError { get; init; }
}
