using System.Runtime.InteropServices;
using System.Text;
using PodUnits.Core.Errors;
using PodUnits.Core.Native;

namespace PodUnits.Runtime.Spawning;

/// <summary>
/// Starts a program with posix_spawn(3): fork and exec happen in native code, so no managed
/// code ever runs in a forked child (docs/platform-facts.md). The child gets exactly the descriptors in
/// the fd map (everything PodUnits opens is close-on-exec), default signal handlers and an
/// empty signal mask (.NET ignores SIGPIPE; containers must not inherit that).
/// </summary>
public static unsafe class Spawner
{
    private const int F_DUPFD_CLOEXEC = 1030;

    /// <summary>Spawns <paramref name="path"/>; <paramref name="fds"/> maps a descriptor of
    /// this process to the number it gets in the child. Returns the child's PID.</summary>
    public static int Spawn(string path, IReadOnlyList<string> argv, IReadOnlyList<string> env,
        IReadOnlyList<(int From, int To)> fds, bool newSession = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(argv);
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(fds);
        // Move every source above all targets first, so no dup2 overwrites a later source.
        // Just above, not far above: a descriptor past the fd table's size makes the kernel
        // grow the table, and in a multithreaded process that waits for an RCU grace period
        // (expand_fdtable -> synchronize_rcu), 15-20 ms on every pod start when this was 512.
        int above = fds.Count == 0 ? 0 : fds.Max(f => f.To) + 1;
        var high = new int[fds.Count];
        for (int i = 0; i < fds.Count; i++)
        {
            high[i] = Check.Io(LibcExtra.fcntl(fds[i].From, F_DUPFD_CLOEXEC, above), "fcntl F_DUPFD_CLOEXEC");
        }
        void* actions = NativeMemory.AllocZeroed(LibcExtra.SpawnFileActionsSize);
        void* attr = NativeMemory.AllocZeroed(LibcExtra.SpawnAttrSize);
        void* sigset = NativeMemory.AllocZeroed(LibcExtra.SigsetSize);
        nint pathPtr = Marshal.StringToCoTaskMemUTF8(path);
        byte** argvPtr = ToCStrings(argv);
        byte** envPtr = ToCStrings(env);
        try
        {
            Ok(LibcExtra.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
            for (int i = 0; i < fds.Count; i++)
            {
                Ok(LibcExtra.posix_spawn_file_actions_adddup2(actions, high[i], fds[i].To), "posix_spawn_file_actions_adddup2");
            }
            Ok(LibcExtra.posix_spawnattr_init(attr), "posix_spawnattr_init");
            short flags = LibcExtra.POSIX_SPAWN_SETSIGDEF | LibcExtra.POSIX_SPAWN_SETSIGMASK;
            if (newSession)
            {
                flags |= LibcExtra.POSIX_SPAWN_SETSID;
            }
            Ok(LibcExtra.posix_spawnattr_setflags(attr, flags), "posix_spawnattr_setflags");
            Ok(LibcExtra.sigfillset(sigset), "sigfillset");
            Ok(LibcExtra.posix_spawnattr_setsigdefault(attr, sigset), "posix_spawnattr_setsigdefault");
            Ok(LibcExtra.sigemptyset(sigset), "sigemptyset");
            Ok(LibcExtra.posix_spawnattr_setsigmask(attr, sigset), "posix_spawnattr_setsigmask");
            int error = LibcExtra.posix_spawn(out int pid, (byte*)pathPtr, actions, attr, argvPtr, envPtr);
            if (error != 0)
            {
                throw new NativeCallException("posix_spawn", error, path);
            }
            return pid;
        }
        finally
        {
            Ok(LibcExtra.posix_spawn_file_actions_destroy(actions), "posix_spawn_file_actions_destroy");
            Ok(LibcExtra.posix_spawnattr_destroy(attr), "posix_spawnattr_destroy");
            NativeMemory.Free(actions);
            NativeMemory.Free(attr);
            NativeMemory.Free(sigset);
            Marshal.FreeCoTaskMem(pathPtr);
            FreeCStrings(argvPtr);
            FreeCStrings(envPtr);
            foreach (int fd in high)
            {
                LibcExtra.close(fd);
            }
        }
    }

    /// <summary><see cref="Spawn"/> from a thread of its own that first runs
    /// <paramref name="first"/> (a setns, say) and unshares <paramref name="namespaces"/>
    /// (<paramref name="what"/> names them in an error). unshare(2) and setns(2) change only
    /// the calling thread, so the caller's namespaces stay as they were and the new ones end
    /// with the thread; with CLONE_NEWPID the child is PID 1 of a new PID namespace (a
    /// thread's PID namespace for children takes one child as its init, so each spawn needs a
    /// thread of its own).</summary>
    public static int SpawnUnshared(int namespaces, string what, Action? first, string path, IReadOnlyList<string> argv,
        IReadOnlyList<string> env, IReadOnlyList<(int From, int To)> fds, bool newSession = false)
    {
        int pid = 0;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                first?.Invoke();
                Check.Io(LibcExtra.unshare(namespaces), "unshare", what);
                pid = Spawn(path, argv, env, fds, newSession);
            }
#pragma warning disable CA1031 // handed to the calling thread below
            catch (Exception e)
#pragma warning restore CA1031
            {
                error = e;
            }
        }) { Name = what };
        thread.Start();
        thread.Join();
        if (error is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        }
        return pid;
    }

    private static void Ok(int result, string call)
    {
        if (result != 0)
        {
            throw new NativeCallException(call, result == -1 ? Marshal.GetLastPInvokeError() : result);
        }
    }

    /// <summary>Replaces this process with <paramref name="path"/> (execve): for verbs such as
    /// `podunits enter` that become another program. Nothing is forked, so no managed code
    /// runs in a child. Returns only by throwing, when execve fails.</summary>
    public static void Exec(string path, IReadOnlyList<string> argv, IReadOnlyList<string> env)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte** argvPtr = ToCStrings(argv);
        byte** envPtr = ToCStrings(env);
        byte** pathPtr = ToCStrings([path]);
        try
        {
            // The terminal's signals must reach the new program with default actions and an
            // empty mask, not .NET's handlers' settings.
            void* sigset = NativeMemory.AllocZeroed(LibcExtra.SigsetSize);
            Ok(LibcExtra.sigemptyset(sigset), "sigemptyset");
            Check.Io(LibcExtra.sigprocmask(LibcExtra.SIG_SETMASK, sigset, null), "sigprocmask");
            NativeMemory.Free(sigset);
            _ = LibcExtra.signal(LibcExtra.SIGPIPE, 0); // SIG_DFL: .NET ignores SIGPIPE, and exec keeps ignored signals ignored
            Check.Io(LibcExtra.execve(pathPtr[0], argvPtr, envPtr), "execve", path);
        }
        finally
        {
            FreeCStrings(argvPtr);
            FreeCStrings(envPtr);
            FreeCStrings(pathPtr);
        }
    }

    /// <summary>A NULL-terminated array of UTF-8 strings (argv/envp); free with <see cref="FreeCStrings"/>.</summary>
    public static byte** ToCStrings(IReadOnlyList<string> strings)
    {
        ArgumentNullException.ThrowIfNull(strings);
        var array = (byte**)NativeMemory.AllocZeroed((nuint)(strings.Count + 1), (nuint)sizeof(byte*));
        for (int i = 0; i < strings.Count; i++)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(strings[i]);
            var p = (byte*)NativeMemory.Alloc((nuint)bytes.Length + 1);
            bytes.AsSpan().CopyTo(new Span<byte>(p, bytes.Length));
            p[bytes.Length] = 0;
            array[i] = p;
        }
        return array;
    }

    public static void FreeCStrings(byte** array)
    {
        for (byte** p = array; *p != null; p++)
        {
            NativeMemory.Free(*p);
        }
        NativeMemory.Free(array);
    }

    /// <summary>This process's environment as "K=V", without the variables systemd gives the
    /// service itself (a child must not notify or claim the service's fds).</summary>
    public static List<string> InheritedEnvironment() =>
        CurrentEnvironment().Where(v => !Activation.ListenFds.IsActivationVariable(v) &&
            !v.StartsWith("WATCHDOG_USEC=", StringComparison.Ordinal) && !v.StartsWith("WATCHDOG_PID=", StringComparison.Ordinal)).ToList();

    /// <summary>This process's whole environment as "K=V": for an exec that stays this process
    /// (the service's main PID keeps NOTIFY_SOCKET and the rest).</summary>
    public static List<string> CurrentEnvironment()
    {
        var list = new List<string>();
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
        {
            list.Add($"{(string)e.Key}={e.Value}");
        }
        return list;
    }

    /// <summary>A pipe (read, write), both close-on-exec.</summary>
    public static (int Read, int Write) Pipe()
    {
        int* fds = stackalloc int[2];
        Check.Io(LibcExtra.pipe2(fds, LibcExtra.O_CLOEXEC), "pipe2");
        return (fds[0], fds[1]);
    }

    /// <summary>A connected pair of AF_UNIX sequenced-packet sockets (one message per send,
    /// descriptors can travel with it), close-on-exec.</summary>
    public static (int A, int B) SocketPair()
    {
        int* fds = stackalloc int[2];
        Check.Io(LibcExtra.socketpair(LibcExtra.AF_UNIX, LibcExtra.SOCK_SEQPACKET | LibcExtra.SOCK_CLOEXEC, 0, fds), "socketpair");
        return (fds[0], fds[1]);
    }

    /// <summary>Describes a wait status like a shell: the exit code, or 128 + signal.</summary>
    public static int ExitCodeOf(int status) =>
        LibcExtra.WIFEXITED(status) ? LibcExtra.WEXITSTATUS(status) : 128 + LibcExtra.WTERMSIG(status);
}
