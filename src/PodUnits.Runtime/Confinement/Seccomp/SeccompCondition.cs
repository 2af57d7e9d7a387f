namespace PodUnits.Runtime.Confinement.Seccomp;

/// <summary>Docker's <c>includes</c>/<c>excludes</c> of a rule: capabilities of the container's
/// bounding set, host architectures as Docker names them (amd64, arm64, x86, s390x ...) and a
/// minimum kernel "MAJOR.MINOR".</summary>
public sealed class SeccompCondition
{
    public List<string>? Caps { get; init; }

    public List<string>? Arches { get; init; }

    public string? MinKernel { get; init; }
}
