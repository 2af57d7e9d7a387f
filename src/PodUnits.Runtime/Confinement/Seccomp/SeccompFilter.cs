using PodUnits.Core.Native;

namespace PodUnits.Runtime.Confinement.Seccomp;

/// <summary>
/// Stage 1's half of seccomp: installs a program <see cref="SeccompCompiler.Compile"/> made at
/// plan time. It references neither libseccomp nor the profile model, so the NativeAOT trimmer
/// leaves both out of podunits-stage1.
/// </summary>
public static class SeccompFilter
{
    /// <summary>BPF_MAXINSNS: the kernel's limit on one classic BPF program.</summary>
    private const int MaxInstructions = 4096;

    private const int InstructionSize = 8; // struct sock_filter

    /// <summary>
    /// Installs <paramref name="program"/> (struct sock_filter[]) on the calling thread with
    /// seccomp(SECCOMP_SET_MODE_FILTER) and no flags: other threads keep what they had, children
    /// and execve inherit it. The kernel demands no_new_privs or CAP_SYS_ADMIN in the calling
    /// thread (seccomp(2), EACCES otherwise); which one is the caller's decision. Throws
    /// <see cref="PodUnits.Core.Errors.NativeCallException"/> when the kernel refuses.
    /// </summary>
    public static unsafe void Install(ReadOnlySpan<byte> program)
    {
        if (program.IsEmpty || program.Length % InstructionSize != 0 || program.Length / InstructionSize > MaxInstructions)
        {
            throw new ArgumentException(
                $"a seccomp program is 1 to {MaxInstructions} instructions of {InstructionSize} bytes, not {program.Length} bytes", nameof(program));
        }
        fixed (byte* filter = program)
        {
            var fprog = new LibcExtra.SockFprog { Len = (ushort)(program.Length / InstructionSize), Filter = filter };
            Check.Io(LibcExtra.seccomp(LibcExtra.SECCOMP_SET_MODE_FILTER, 0, &fprog), "seccomp SECCOMP_SET_MODE_FILTER");
        }
    }
}
