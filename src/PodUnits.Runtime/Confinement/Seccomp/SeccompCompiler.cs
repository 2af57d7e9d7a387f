using System.Text;
using PodUnits.Core.Errors;

namespace PodUnits.Runtime.Confinement.Seccomp;

/// <summary>
/// Stage 0's half of seccomp: decides a profile for this machine and one container, compiles it
/// with libseccomp into the classic BPF program the pod's plan carries, and describes it.
/// Stage 1 installs the program with <see cref="SeccompFilter.Install"/>, without libseccomp.
/// </summary>
public static class SeccompCompiler
{
    private const int SockFilterSize = 8;
    private const int MaxInstructions = 4096;

    /// <summary>
    /// The filter for a container on this machine: includes/excludes decided for the native
    /// architecture, the running kernel and <paramref name="capabilities"/> (capabilities(7)
    /// numbers of the container's bounding set); syscall names libseccomp does not know are
    /// skipped, as runc does. The bytes are struct sock_filter[] in this machine's byte order.
    /// Throws PodUnitsException when libseccomp cannot be loaded or refuses a rule, and
    /// BadInputException when the program would exceed the kernel's 4096 instructions.
    /// </summary>
    public static byte[] Compile(SeccompProfile profile, IReadOnlyCollection<int> capabilities)
    {
        ResolvedSeccompFilter resolved = SeccompResolver.Resolve(profile, SeccompHost.Current, capabilities);
        using LibSeccompFilter filter = LibSeccompFilter.Build(resolved, What(profile));
        byte[] program = [.. EnosysPrefix.Build(filter.NativeArch, filter.HighestNative, resolved.DefaultAction), .. filter.ExportBpf()];
        // Found now, at plan time, rather than as EINVAL when the container starts.
        return program.Length / SockFilterSize <= MaxInstructions ? program : throw new BadInputException(What(profile),
            $"it compiles to {program.Length / SockFilterSize} BPF instructions; the kernel takes at most {MaxInstructions} (BPF_MAXINSNS)");
    }

    /// <summary>libseccomp's PFC text of the same filter, after comment lines that name the
    /// ENOSYS prefix and the skipped names: for tests and `--verbose`.</summary>
    public static string Describe(SeccompProfile profile, IReadOnlyCollection<int> capabilities)
    {
        ResolvedSeccompFilter resolved = SeccompResolver.Resolve(profile, SeccompHost.Current, capabilities);
        using LibSeccompFilter filter = LibSeccompFilter.Build(resolved, What(profile));
        var text = new StringBuilder();
        text.Append("# seccomp profile ").Append(profile.Source).Append(", compiled by libseccomp ").AppendLine(LibSeccomp.Version());
        if (EnosysPrefix.Build(filter.NativeArch, filter.HighestNative, resolved.DefaultAction).Length > 0)
        {
            text.Append("# prefix: native syscalls numbered above ").Append(filter.HighestNative).AppendLine(" return ENOSYS");
        }
        if (filter.Unknown.Count > 0)
        {
            text.Append("# unknown to libseccomp, skipped: ").AppendLine(string.Join(' ', filter.Unknown));
        }
        return text.Append(filter.ExportPfc()).ToString();
    }

    private static string What(SeccompProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return $"seccomp profile {profile.Source}";
    }
}
