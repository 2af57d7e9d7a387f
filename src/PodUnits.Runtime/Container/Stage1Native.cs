using System.Runtime.InteropServices;
using System.Text;

namespace PodUnits.Runtime.Container;

/// <summary>
/// Stage 1's native layer (src/PodUnits.Stage1/Native, podunits-native.h), linked into
/// podunits-stage1 as objects: the NativeAOT build resolves these at link time
/// (DirectPInvoke), so they exist only in stage 1, the one program that starts containers.
/// </summary>
internal static unsafe partial class Stage1Native
{
    private const string Library = "podunits-native";
    private const int ErrorSize = 1024;

    [LibraryImport(Library, EntryPoint = "podunits_become", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int podunits_become(byte* spec, nuint length, string? carriedSteps, byte* error, nuint errorSize);

    [LibraryImport(Library, EntryPoint = "podunits_create_userns", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int podunits_create_userns(string map, byte* error, nuint errorSize);

    /// <summary>Carries out <paramref name="spec"/> (<see cref="ExecSpec"/>) and execve's
    /// (become.c); returns only on failure: the exit code (125, 126, 127) and why.</summary>
    public static int Become(byte[] spec, string? carriedSteps, out string error)
    {
        ArgumentNullException.ThrowIfNull(spec);
        byte* buffer = stackalloc byte[ErrorSize];
        int code;
        fixed (byte* s = spec)
        {
            code = podunits_become(s, (nuint)spec.Length, carriedSteps, buffer, ErrorSize);
        }
        error = Text(buffer);
        return code;
    }

    /// <summary>A new user namespace mapping "0 FIRST SIZE" (userns.c), as a close-on-exec
    /// descriptor; -1 and why on failure.</summary>
    public static int CreateUserNamespace(string mapLine, out string error)
    {
        byte* buffer = stackalloc byte[ErrorSize];
        buffer[0] = 0;
        int fd = podunits_create_userns(mapLine, buffer, ErrorSize);
        error = Text(buffer);
        return fd;
    }

    private static string Text(byte* buffer) => Encoding.UTF8.GetString(MemoryMarshal.CreateReadOnlySpanFromNullTerminated(buffer));
}
