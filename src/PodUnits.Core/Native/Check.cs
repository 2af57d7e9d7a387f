using PodUnits.Core.Errors;

namespace PodUnits.Core.Native;

/// <summary>
/// One place that turns a failed syscall result into an exception naming the syscall and
/// the path (the dotnet/runtime CheckIo pattern). Call it right where the syscall is made.
/// </summary>
public static class Check
{
    /// <summary>Throws <see cref="NativeCallException"/> when <paramref name="result"/> is -1.</summary>
    public static long Io(long result, string syscall, string? path = null)
    {
        if (result == -1)
        {
            throw new NativeCallException(syscall, Tmds.Linux.LibC.errno, path);
        }
        return result;
    }

    public static int Io(int result, string syscall, string? path = null) =>
        (int)Io((long)result, syscall, path);
}
