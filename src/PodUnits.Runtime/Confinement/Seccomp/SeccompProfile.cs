using System.Text.Json.Serialization;

namespace PodUnits.Runtime.Confinement.Seccomp;

/// <summary>
/// A seccomp profile in the Docker/OCI JSON format: moby's profiles/seccomp/default.json and
/// the kubelet's Localhost profiles (the OCI runtime-spec's <c>linux.seccomp</c> plus Docker's
/// <c>archMap</c>, <c>name</c>, <c>comment</c>, <c>includes</c> and <c>excludes</c>). Read it with
/// <see cref="SeccompProfiles.Parse"/>, which refuses what PodUnits does not support; compile it
/// with <see cref="SeccompCompiler"/>.
/// </summary>
public sealed class SeccompProfile
{
    /// <summary>The action for every syscall no rule names, e.g. SCMP_ACT_ERRNO.</summary>
    public string DefaultAction { get; set; } = "";

    /// <summary>The errno of an ERRNO (or TRACE) default action; EPERM when absent, as runc does.</summary>
    public uint? DefaultErrnoRet { get; init; }

    /// <summary>OCI form: every architecture the filter covers (SCMP_ARCH_X86_64 ...).</summary>
    public List<string>? Architectures { get; init; }

    /// <summary>Docker form: per native architecture, the sub-architectures it also runs.</summary>
    public List<SeccompArchitecture>? ArchMap { get; init; }

    /// <summary>Only SECCOMP_FILTER_FLAG_TSYNC is accepted, and means nothing here (runc ignores it too).</summary>
    public List<string>? Flags { get; init; }

    /// <summary>Refused when set: PodUnits has no seccomp user-notification agent.</summary>
    public string? ListenerPath { get; init; }

    /// <summary>Refused when set, like <see cref="ListenerPath"/>.</summary>
    public string? ListenerMetadata { get; init; }

    public List<SeccompSyscall>? Syscalls { get; init; }

    /// <summary>Where the profile came from ("RuntimeDefault", a Localhost file path), for messages.</summary>
    [JsonIgnore]
    public string Source { get; internal set; } = "";
}
