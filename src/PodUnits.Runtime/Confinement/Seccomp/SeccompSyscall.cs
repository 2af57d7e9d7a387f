namespace PodUnits.Runtime.Confinement.Seccomp;

/// <summary>One <c>syscalls[]</c> entry: an action for some syscalls, optionally only for
/// some argument values, and (Docker's extension) only on some hosts or containers.</summary>
public sealed class SeccompSyscall
{
    public List<string>? Names { get; init; }

    /// <summary>Docker's old single-name form; refused together with <see cref="Names"/>.</summary>
    public string? Name { get; init; }

    public string Action { get; set; } = "";

    /// <summary>The errno of an SCMP_ACT_ERRNO (or SCMP_ACT_TRACE) action; EPERM when absent.</summary>
    public uint? ErrnoRet { get; init; }

    /// <summary>All must hold (AND); several on one argument index become one rule each, as runc does.</summary>
    public List<SeccompArgument>? Args { get; init; }

    public string? Comment { get; init; }

    /// <summary>The rule applies only where all of these hold.</summary>
    public SeccompCondition? Includes { get; init; }

    /// <summary>The rule is dropped where any of these holds.</summary>
    public SeccompCondition? Excludes { get; init; }
}
