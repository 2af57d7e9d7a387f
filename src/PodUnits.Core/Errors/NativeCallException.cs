using System.Runtime.InteropServices;

namespace PodUnits.Core.Errors;

/// <summary>A Linux call failed. Carries the syscall, errno and the path it was about,
/// so the message reads like "mount /var/lib/podunits/x: Permission denied (EACCES)".</summary>
public sealed class NativeCallException : PodUnitsException
{
    public NativeCallException(string syscall, int errno, string? path = null)
        : base(path is null ? syscall : $"{syscall} {path}", Describe(errno))
    {
        Syscall = syscall;
        Errno = errno;
        PathName = path;
    }

    public string Syscall { get; }
    public int Errno { get; }
    public string? PathName { get; }

    private static string Describe(int errno) =>
        $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";

    public NativeCallException() : this("unknown", 0) { }

    public NativeCallException(string message) : this(message, 0) { }

    public NativeCallException(string message, Exception innerException)
        : base("native call", message, ExitCodes.RuntimeFailure, innerException)
    {
        Syscall = message;
    }
}
