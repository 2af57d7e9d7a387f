using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using PodUnits.Core.Errors;
using PodUnits.Core.Native;

namespace PodUnits.Runtime.Confinement.Seccomp;

/// <summary>
/// A libseccomp filter context built from a <see cref="ResolvedSeccompFilter"/>, exported as
/// classic BPF (what the kernel loads) or as PFC text (what a person reads). Never loaded here:
/// stage 1 installs the exported bytes itself.
/// </summary>
internal sealed unsafe class LibSeccompFilter : IDisposable
{
    private const int EEXIST = 17;

    private readonly string _what;
    private nint _ctx;

    private LibSeccompFilter(nint ctx, string what) => (_ctx, _what) = (ctx, what);

    /// <summary>The AUDIT_ARCH_* value of this machine's architecture.</summary>
    public uint NativeArch { get; private set; }

    /// <summary>The highest native syscall number a rule names, or -1.</summary>
    public int HighestNative { get; private set; } = -1;

    /// <summary>Names libseccomp does not know on any architecture: skipped, as runc does.</summary>
    public List<string> Unknown { get; } = [];

    public static LibSeccompFilter Build(ResolvedSeccompFilter resolved, string what)
    {
        var filter = new LibSeccompFilter(Init(resolved.DefaultAction, what), what);
        try
        {
            filter.Configure(resolved);
            foreach (ResolvedSeccompRule rule in resolved.Rules)
            {
                filter.Add(rule, resolved.DefaultAction);
            }
            return filter;
        }
        catch
        {
            filter.Dispose();
            throw;
        }
    }

    public byte[] ExportBpf() => Capture(fd => LibSeccomp.seccomp_export_bpf(_ctx, fd), "seccomp_export_bpf");

    public string ExportPfc() => System.Text.Encoding.UTF8.GetString(Capture(fd => LibSeccomp.seccomp_export_pfc(_ctx, fd), "seccomp_export_pfc"));

    public void Dispose()
    {
        if (_ctx != 0) LibSeccomp.seccomp_release(_ctx);
        _ctx = 0;
    }

    private static nint Init(uint defaultAction, string what)
    {
        nint ctx;
        try
        {
            ctx = LibSeccomp.seccomp_init(defaultAction);
        }
        catch (DllNotFoundException)
        {
            throw new PodUnitsException(what, "libseccomp.so.2 cannot be loaded: install libseccomp2 (Debian) or libseccomp (RPM)");
        }
        return ctx != 0 ? ctx : throw new PodUnitsException(what, $"libseccomp refused default action 0x{defaultAction:x8}");
    }

    private void Configure(ResolvedSeccompFilter resolved)
    {
        // Only seccomp_load(3) would act on this attribute; the exported program carries no
        // no_new_privs. Off all the same, so nothing here ever decides it: container-start does.
        Set(LibSeccomp.AttrCtlNoNewPrivs, 0, "no_new_privs off");
        // A syscall of an ABI the filter does not cover cannot be judged by number, so it kills
        // the thread: libseccomp's default, which runc keeps (see README.md, "Bad architecture").
        Set(LibSeccomp.AttrActBadArch, SeccompNames.ActKillThread, "bad-architecture action");
        NativeArch = LibSeccomp.seccomp_arch_native();
        foreach (string arch in resolved.Architectures)
        {
            uint token = LibSeccomp.seccomp_arch_resolve_name(SeccompNames.LibSeccompArchitecture(arch));
            if (token == 0) throw new PodUnitsException(_what, $"libseccomp {LibSeccomp.Version()} does not know architecture {arch}");
            int rc = LibSeccomp.seccomp_arch_add(_ctx, token);
            if (rc < 0 && rc != -EEXIST) Fail($"adding architecture {arch}", rc);
        }
        // runc's choice: a binary tree of syscall numbers for long rule lists (libseccomp <= 2.5.4
        // misbehaves with it and no rules); a plain list is fine when short. Not fatal if refused.
        if (resolved.Rules.Count > 32) _ = LibSeccomp.seccomp_attr_set(_ctx, LibSeccomp.AttrCtlOptimize, 2);
    }

    private void Add(ResolvedSeccompRule rule, uint defaultAction)
    {
        int nr = LibSeccomp.seccomp_syscall_resolve_name(rule.Name);
        if (nr == LibSeccomp.NrError)
        {
            if (!Unknown.Contains(rule.Name)) Unknown.Add(rule.Name);
            return;
        }
        // Counted even when it repeats the default (runc's findLastSyscalls does): a syscall the
        // profile names keeps the profile's answer rather than the ENOSYS prefix's.
        HighestNative = Math.Max(HighestNative, nr);
        // libseccomp refuses a rule that repeats the default action; it would change nothing.
        if (rule.Action == defaultAction) return;
        LibSeccomp.ArgCmp[] all = [.. rule.Args.Select(a => new LibSeccomp.ArgCmp
        {
            Arg = a.Index, Op = SeccompNames.Operator(a.Op), DatumA = a.Value, DatumB = a.ValueTwo,
        })];
        // runc: conditions on one argument index are ORed, one rule each (libseccomp cannot AND them).
        bool repeated = all.GroupBy(a => a.Arg).Any(g => g.Count() > 1);
        foreach (LibSeccomp.ArgCmp[] conditions in repeated ? all.Select(a => new[] { a }) : [all])
        {
            fixed (LibSeccomp.ArgCmp* p = conditions)
            {
                int rc = LibSeccomp.seccomp_rule_add_array(_ctx, rule.Action, nr, (uint)conditions.Length, p);
                if (rc < 0) Fail($"adding the rule for {rule.Name}", rc);
            }
        }
    }

    private void Set(int attribute, uint value, string what)
    {
        int rc = LibSeccomp.seccomp_attr_set(_ctx, attribute, value);
        if (rc < 0) Fail($"setting the {what}", rc);
    }

    private void Fail(string doing, int rc) =>
        throw new PodUnitsException(_what, $"libseccomp {LibSeccomp.Version()} failed {doing}: {Marshal.GetPInvokeErrorMessage(-rc)} (errno {-rc})");

    /// <summary>Runs an export into a memfd and reads it back (libseccomp 2.5.4 exports only to an fd).</summary>
    private byte[] Capture(Func<int, int> export, string call)
    {
        int fd;
        fixed (byte* name = "podunits-seccomp"u8) // u8 literals end in a NUL byte
        {
            fd = Check.Io(Tmds.Linux.LibC.memfd_create(name, Tmds.Linux.LibC.MFD_CLOEXEC), "memfd_create");
        }
        using var stream = new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.ReadWrite);
        int rc = export(fd);
        if (rc < 0) Fail(call, rc);
        stream.Seek(0, SeekOrigin.Begin);
        using var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        return bytes.ToArray();
    }
}
