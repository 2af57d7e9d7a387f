using System.Runtime.InteropServices;

namespace PodUnits.Core.Errors;

/// <summary>A Linux call failed. Carries the syscall, errno and the path it was about,
/// so the message reads like "mount /var/lib/podunits/x: Permission denied (EACCES)".</summary>
public sealed class NativeCallException : PodUnitsException
{
    /// <param name="path">Written escaped (<see cref="Text.OneLine"/>): a path may come from a
    /// layer or a definition and hold a newline or a terminal's escape sequence, which would
    /// split the message in the journal or drive the terminal of whoever reads it.</param>
    public NativeCallException(string syscall, int errno, string? path = null)
        : base(path is null ? syscall : $"{syscall} {Text.OneLine.Of(path)}", Describe(errno))
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
