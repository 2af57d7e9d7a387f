using System.Runtime.InteropServices;
using PodUnits.Core.Errors;
using PodUnits.Core.Native;
using PodUnits.Runtime.Confinement.Seccomp;
using PodUnits.Runtime.Plan;

namespace PodUnits.UnitTests.Confinement;

/// <summary>
/// Installs compiled filters for real, on a dedicated thread of the test process. seccomp(2)
/// without SECCOMP_FILTER_FLAG_TSYNC and prctl(PR_SET_NO_NEW_PRIVS) both act on the calling
/// thread only, and a filter cannot be removed: so each test starts a new thread, sets
/// no_new_privs there, installs the filter, makes its calls and lets the thread end, which
/// takes the filter and the flag with it. The test runner's other threads stay unfiltered
/// (the last test checks that). Namespace-changing calls made there affect that thread alone.
/// </summary>
public sealed partial class SeccompInstallTests
{
    private const int EPERM = 1;
    private const int ENOENT = 2;
    private const int EINVAL = 22;
    private const int ENOSYS = 38;

    private static readonly List<int> DefaultSet = Capabilities.BoundingSet(false, [], []);

    /// <summary>Syscall numbers of the calls without a glibc wrapper (asm/unistd_64.h; arm64: asm-generic).</summary>
    private static readonly (long Keyctl, long Clone3, long Socket) Nr =
        RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? (219, 435, 198) : (250, 435, 41);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, long a, long b, long c);

    /// <summary>errno of a raw syscall, or 0 when it succeeded (a descriptor it returned is closed).</summary>
    private static int Raw(long number, long a = 0, long b = 0, long c = 0)
    {
        long r = Syscall(number, a, b, c);
        if (r < 0) return Marshal.GetLastPInvokeError();
        if (number == Nr.Socket) LibcExtra.close((int)r);
        return 0;
    }

    private static int ErrnoOf(int result) => result < 0 ? Marshal.GetLastPInvokeError() : 0;

    /// <summary>Runs <paramref name="calls"/> on a new thread after no_new_privs and the filter.</summary>
    private static T OnFilteredThread<T>(byte[] program, Func<T> calls)
    {
        T? result = default;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                Check.Io(LibcExtra.prctl(LibcExtra.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl PR_SET_NO_NEW_PRIVS");
                SeccompFilter.Install(program);
                result = calls();
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        return failure is null ? result! : throw new InvalidOperationException("the filtered thread failed", failure);
    }

    [Fact]
    public void RuntimeDefaultRefusesWhatItShouldAndLetsTheRestRun()
    {
        byte[] program = SeccompCompiler.Compile(SeccompProfiles.RuntimeDefault, DefaultSet);
        var seen = OnFilteredThread(program, () => new
        {
            Status = File.ReadAllLines("/proc/thread-self/status").Single(l => l.StartsWith("Seccomp:", StringComparison.Ordinal)),
            Pid = (int)Tmds.Linux.LibC.getpid(),
            Unshare = ErrnoOf(LibcExtra.unshare(LibcExtra.CLONE_NEWUTS)),
            // A path that does not exist: without the filter this fails with ENOENT, never mounts.
            Mount = ErrnoOf(LibcExtra.mount("none", "/nonexistent-podunits-seccomp-test", "tmpfs", 0, null)),
            Keyctl = Raw(Nr.Keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* KEY_SPEC_SESSION_KEYRING */),
            // clone3(NULL, 0) would be EINVAL from the kernel; it never creates a process.
            Clone3 = Raw(Nr.Clone3),
            Vsock = Raw(Nr.Socket, 40 /* AF_VSOCK */, 1 /* SOCK_STREAM */),
            Alg = Raw(Nr.Socket, 38 /* AF_ALG */, 5 /* SOCK_SEQPACKET */),
            Unix = Raw(Nr.Socket, 1 /* AF_UNIX */, 1),
            // Above every syscall the filter names: the ENOSYS prefix answers, not the EPERM default.
            Unnamed = Raw(1000),
        });
        Assert.Equal("Seccomp:\t2", seen.Status);
        Assert.Equal(Environment.ProcessId, seen.Pid);
        Assert.Equal(EPERM, seen.Unshare);
        Assert.Equal(EPERM, seen.Mount);
        Assert.Equal(EPERM, seen.Keyctl);
        Assert.Equal(ENOSYS, seen.Clone3);
        Assert.Equal(EPERM, seen.Vsock);
        Assert.Equal(EPERM, seen.Alg);
        Assert.Equal(0, seen.Unix);
        Assert.Equal(ENOSYS, seen.Unnamed);
    }

    [Fact]
    public void SysAdminInTheBoundingSetLetsMountAndUnshareThrough()
    {
        byte[] program = SeccompCompiler.Compile(SeccompProfiles.RuntimeDefault, Capabilities.BoundingSet(false, ["SYS_ADMIN"], []));
        var seen = OnFilteredThread(program, () => new
        {
            Mount = ErrnoOf(LibcExtra.mount("none", "/nonexistent-podunits-seccomp-test", "tmpfs", 0, null)),
            Unshare = ErrnoOf(LibcExtra.unshare(LibcExtra.CLONE_NEWUTS)), // this thread's own UTS namespace
            Clone3 = Raw(Nr.Clone3),
        });
        Assert.Equal(ENOENT, seen.Mount);
        Assert.Equal(0, seen.Unshare);
        Assert.Equal(EINVAL, seen.Clone3);
    }

    [Fact]
    public void TheKernelsRefusalIsANativeCallException()
    {
        byte[] invalid = [0xff, 0xff, 0, 0, 0, 0, 0, 0]; // no such BPF opcode
        var e = Assert.Throws<InvalidOperationException>(() => OnFilteredThread(invalid, () => 0));
        var native = Assert.IsType<NativeCallException>(e.InnerException);
        Assert.Equal(("seccomp SECCOMP_SET_MODE_FILTER", EINVAL), (native.Syscall, native.Errno));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(8 * 4097)]
    public void APartialOrOversizedProgramIsRefusedBeforeTheKernel(int length) =>
        Assert.Throws<ArgumentException>(() => SeccompFilter.Install(new byte[length]));

    [Fact]
    public void TheTestRunnersOwnThreadsStayUnfiltered()
    {
        OnFilteredThread(SeccompCompiler.Compile(SeccompProfiles.RuntimeDefault, DefaultSet), () => 0);
        Assert.Contains("Seccomp:\t0", File.ReadAllLines("/proc/thread-self/status"));
    }
}
