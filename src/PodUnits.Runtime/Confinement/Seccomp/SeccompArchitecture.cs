namespace PodUnits.Runtime.Confinement.Seccomp;

/// <summary>One <c>archMap</c> entry: when the host's native architecture is
/// <see cref="Architecture"/>, the filter also covers <see cref="SubArchitectures"/>
/// (x86_64 runs i386 and x32 programs).</summary>
public sealed class SeccompArchitecture
{
    public string Architecture { get; set; } = "";

    public List<string>? SubArchitectures { get; init; }
}
