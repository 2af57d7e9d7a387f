using System.Runtime.InteropServices;

namespace PodUnits.Runtime.Confinement.Seccomp;

#pragma warning disable CA1401 // raw C names, as Tmds.LibC keeps them

/// <summary>
/// The few libseccomp calls the compiler needs (seccomp.h of libseccomp 2.5.4, the library runc,
/// crun and systemd use). Loaded lazily by name: only stage 0 compiles, so only stage 0 ever
/// dlopens libseccomp.so.2; stage 1 installs the exported bytes with seccomp(2) alone.
/// </summary>
internal static unsafe partial class LibSeccomp
{
    private const string Library = "libseccomp.so.2";

    /// <summary>__NR_SCMP_ERROR: the name is unknown on every architecture libseccomp knows.</summary>
    public const int NrError = -1;

    // enum scmp_filter_attr
    public const int AttrActBadArch = 2;
    public const int AttrCtlNoNewPrivs = 3;
    public const int AttrCtlOptimize = 8;

    /// <summary>struct scmp_arg_cmp.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct ArgCmp
    {
        public uint Arg;
        public int Op;
        public ulong DatumA;
        public ulong DatumB;
    }

    /// <summary>struct scmp_version.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct ScmpVersion
    {
        public uint Major;
        public uint Minor;
        public uint Micro;
    }

    [LibraryImport(Library)]
    public static partial ScmpVersion* seccomp_version();

    [LibraryImport(Library)]
    public static partial nint seccomp_init(uint defaultAction);

    [LibraryImport(Library)]
    public static partial void seccomp_release(nint ctx);

    [LibraryImport(Library)]
    public static partial int seccomp_attr_set(nint ctx, int attribute, uint value);

    [LibraryImport(Library)]
    public static partial uint seccomp_arch_native();

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial uint seccomp_arch_resolve_name(string name);

    [LibraryImport(Library)]
    public static partial int seccomp_arch_add(nint ctx, uint archToken);

    /// <summary>The native number, a negative pseudo number for a syscall only other
    /// architectures have, or <see cref="NrError"/>.</summary>
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int seccomp_syscall_resolve_name(string name);

    [LibraryImport(Library)]
    public static partial int seccomp_rule_add_array(nint ctx, uint action, int syscall, uint count, ArgCmp* args);

    [LibraryImport(Library)]
    public static partial int seccomp_export_bpf(nint ctx, int fd);

    [LibraryImport(Library)]
    public static partial int seccomp_export_pfc(nint ctx, int fd);

    /// <summary>"2.5.4", for messages and Describe().</summary>
    public static string Version()
    {
        ScmpVersion* v = seccomp_version();
        return v is null ? "?" : $"{v->Major}.{v->Minor}.{v->Micro}";
    }
}
