using System.Globalization;
using PodUnits.Runtime.Plan;

namespace PodUnits.Runtime.Confinement.Seccomp;

/// <summary>
/// What a parsed profile must hold before it can be compiled: known actions, operators,
/// architectures and capabilities, errnoRet only where it means something, and nothing PodUnits
/// cannot do (user notification, filter flags). Every problem is reported, not just the first.
/// </summary>
internal static class SeccompProfileChecks
{
    public static IEnumerable<string> Errors(SeccompProfile p)
    {
        foreach (string e in Action("defaultAction", p.DefaultAction, p.DefaultErrnoRet, "defaultErrnoRet")) yield return e;
        if (p.Architectures is { Count: > 0 } && p.ArchMap is { Count: > 0 })
        {
            yield return "both \"architectures\" and \"archMap\" are given; use one of them";
        }
        foreach (string a in (p.Architectures ?? []).Where(a => !SeccompNames.IsArchitecture(a)))
        {
            yield return $"architectures: unknown architecture \"{a}\"";
        }
        for (int i = 0; i < (p.ArchMap?.Count ?? 0); i++)
        {
            SeccompArchitecture m = p.ArchMap![i];
            foreach (string a in (string[])[m.Architecture, .. m.SubArchitectures ?? []])
            {
                if (!SeccompNames.IsArchitecture(a)) yield return $"archMap[{i}]: unknown architecture \"{a}\"";
            }
        }
        foreach (string f in (p.Flags ?? []).Where(f => f != "SECCOMP_FILTER_FLAG_TSYNC"))
        {
            yield return $"flags: \"{f}\" is not supported (only SECCOMP_FILTER_FLAG_TSYNC, which changes nothing for a container's single thread)";
        }
        if (!string.IsNullOrEmpty(p.ListenerPath) || !string.IsNullOrEmpty(p.ListenerMetadata))
        {
            yield return "listenerPath/listenerMetadata are not supported: PodUnits has no seccomp notification agent";
        }
        for (int i = 0; i < (p.Syscalls?.Count ?? 0); i++)
        {
            foreach (string e in Rule(p.Syscalls![i], $"syscalls[{i}]")) yield return e;
        }
    }

    private static IEnumerable<string> Action(string field, string action, uint? errnoRet, string errnoField)
    {
        if (action == "SCMP_ACT_NOTIFY")
        {
            yield return $"{field}: SCMP_ACT_NOTIFY is not supported: PodUnits has no seccomp notification agent";
        }
        else if (!SeccompNames.IsAction(action))
        {
            yield return action.Length == 0 ? $"{field} is missing" : $"{field}: unknown action \"{action}\"";
        }
        else if (errnoRet is not null && !SeccompNames.TakesErrno(action))
        {
            yield return $"{errnoField} is only for SCMP_ACT_ERRNO and SCMP_ACT_TRACE, not {action}";
        }
        if (errnoRet > SeccompNames.MaxErrno)
        {
            yield return $"{errnoField}: {errnoRet} is not an errno (at most {SeccompNames.MaxErrno})";
        }
    }

    private static IEnumerable<string> Rule(SeccompSyscall r, string at)
    {
        List<string> names = r.Names ?? [];
        string label = names.Count > 0 ? $"{at} ({names[0]})" : r.Name is { Length: > 0 } ? $"{at} ({r.Name})" : at;
        if (r.Name is { Length: > 0 } && names.Count > 0)
        {
            yield return $"{label}: both \"name\" and \"names\" are given; use \"names\"";
        }
        if (names.Count == 0 && string.IsNullOrEmpty(r.Name))
        {
            yield return $"{label}: no syscall names";
        }
        IEnumerable<string> all = r.Name is { Length: > 0 } ? names.Append(r.Name) : names;
        foreach (string n in all.Where(n => n.Length == 0 || !n.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_')))
        {
            yield return $"{label}: \"{n}\" is not a syscall name";
        }
        foreach (string e in Action($"{label} action", r.Action, r.ErrnoRet, $"{label} errnoRet")) yield return e;
        foreach (SeccompArgument a in r.Args ?? [])
        {
            if (a.Index > 5) yield return $"{label}: argument index {a.Index} (a syscall has arguments 0 to 5)";
            if (!SeccompNames.IsOperator(a.Op)) yield return $"{label}: unknown operator \"{a.Op}\"";
        }
        foreach (string e in Condition(r.Includes, $"{label} includes")) yield return e;
        foreach (string e in Condition(r.Excludes, $"{label} excludes")) yield return e;
    }

    private static IEnumerable<string> Condition(SeccompCondition? c, string at)
    {
        if (c is null) yield break;
        foreach (string cap in (c.Caps ?? []).Where(cap => !cap.StartsWith("CAP_", StringComparison.Ordinal) || Capabilities.Number(cap) < 0))
        {
            yield return $"{at}: unknown capability \"{cap}\" (capabilities(7) names, such as CAP_SYS_ADMIN)";
        }
        foreach (string arch in (c.Arches ?? []).Where(a => a.Length == 0 || !a.All(ch => char.IsAsciiLetterLower(ch) || char.IsAsciiDigit(ch) || ch == '_')))
        {
            yield return $"{at}: \"{arch}\" is not an architecture name (Docker's: amd64, arm64, x86, x32, s390x ...)";
        }
        if (c.MinKernel is { Length: > 0 } k && KernelVersion(k) is null)
        {
            yield return $"{at}: minKernel \"{k}\" is not MAJOR.MINOR (such as \"4.8\")";
        }
    }

    /// <summary>"4.8" as (4, 8); null unless two numbers of at most 255 and not 0.0 (moby's rule).</summary>
    public static Version? KernelVersion(string text)
    {
        string[] parts = text.Split('.');
        return parts.Length == 2
            && byte.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out byte major)
            && byte.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out byte minor)
            && (major, minor) != (0, 0)
            ? new Version(major, minor) : null;
    }
}
