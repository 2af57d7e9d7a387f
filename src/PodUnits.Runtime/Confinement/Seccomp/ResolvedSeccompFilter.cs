namespace PodUnits.Runtime.Confinement.Seccomp;

/// <summary>A profile after its includes/excludes were decided for one host and container:
/// what libseccomp is asked to compile.</summary>
/// <param name="DefaultAction">An SCMP_ACT_* value with its errno.</param>
/// <param name="Architectures">SCMP_ARCH_* names, the host's native one first.</param>
/// <param name="Rules">One per syscall name, in profile order.</param>
internal sealed record ResolvedSeccompFilter(uint DefaultAction, IReadOnlyList<string> Architectures, IReadOnlyList<ResolvedSeccompRule> Rules);

/// <summary>One syscall's rule: its action (with errno) when all <paramref name="Args"/> hold.</summary>
internal sealed record ResolvedSeccompRule(string Name, uint Action, IReadOnlyList<SeccompArgument> Args);
