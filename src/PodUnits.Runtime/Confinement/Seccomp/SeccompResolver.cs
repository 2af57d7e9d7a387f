using PodUnits.Runtime.Plan;

namespace PodUnits.Runtime.Confinement.Seccomp;

/// <summary>
/// Decides a profile's Docker-only parts for one host and one container, as moby's
/// setupSeccomp does (profiles/seccomp/seccomp_linux.go): a rule is dropped when any "excludes"
/// holds (its arch is the host's, any of its caps is in the bounding set, the kernel is at least
/// its minKernel) and kept only when every "includes" holds (the host's arch is listed, all its
/// caps are in the bounding set, the kernel is at least minKernel). "archMap" gives the filter the
/// host's architecture and its sub-architectures.
/// </summary>
internal static class SeccompResolver
{
    public static ResolvedSeccompFilter Resolve(SeccompProfile profile, SeccompHost host, IReadOnlyCollection<int> capabilities)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(capabilities);
        var rules = new List<ResolvedSeccompRule>();
        foreach (SeccompSyscall s in (profile.Syscalls ?? []).Where(s => Applies(s, host, capabilities)))
        {
            uint action = SeccompNames.Action(s.Action, s.ErrnoRet);
            IEnumerable<string> names = s.Name is { Length: > 0 } name ? [name] : s.Names ?? [];
            rules.AddRange(names.Select(n => new ResolvedSeccompRule(n, action, s.Args ?? [])));
        }
        return new ResolvedSeccompFilter(
            SeccompNames.Action(profile.DefaultAction, profile.DefaultErrnoRet), Architectures(profile, host), rules);
    }

    private static List<string> Architectures(SeccompProfile profile, SeccompHost host)
    {
        IEnumerable<string> listed = profile.Architectures is { Count: > 0 } oci
            ? oci
            : profile.ArchMap?.FirstOrDefault(m => m.Architecture == host.ScmpArch) is { } entry
                ? [entry.Architecture, .. entry.SubArchitectures ?? []]
                : [];
        return [.. new[] { host.ScmpArch }.Concat(listed).Distinct(StringComparer.Ordinal)];
    }

    private static bool Applies(SeccompSyscall s, SeccompHost host, IReadOnlyCollection<int> caps)
    {
        if (s.Excludes is { } ex
            && ((ex.Arches?.Contains(host.DockerArch) ?? false)
                || (ex.Caps?.Any(c => caps.Contains(Capabilities.Number(c))) ?? false)
                || (ex.MinKernel is { Length: > 0 } exMin && AtLeast(host, exMin))))
        {
            return false;
        }
        return s.Includes is not { } inc
            || ((inc.Arches is not { Count: > 0 } arches || arches.Contains(host.DockerArch))
                && (inc.Caps?.All(c => caps.Contains(Capabilities.Number(c))) ?? true)
                && (inc.MinKernel is not { Length: > 0 } incMin || AtLeast(host, incMin)));
    }

    private static bool AtLeast(SeccompHost host, string minKernel) =>
        host.Kernel >= (SeccompProfileChecks.KernelVersion(minKernel) ?? throw new ArgumentException($"minKernel \"{minKernel}\" was not checked", nameof(minKernel)));
}
