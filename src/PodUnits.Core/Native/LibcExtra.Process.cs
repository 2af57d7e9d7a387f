using System.Runtime.InteropServices;

namespace PodUnits.Core.Native;

#pragma warning disable CA1401 // raw libc calls are the public surface of LibcExtra, as in Tmds.LibC

// Processes: posix_spawn(3) (fork+exec in native code, the only safe way to start a child
// from .NET), waitpid, kill, execve, credentials and capabilities.
public static unsafe partial class LibcExtra
{
    public const short POSIX_SPAWN_SETSIGMASK = 0x08;
    public const short POSIX_SPAWN_SETSIGDEF = 0x04;
    public const short POSIX_SPAWN_SETSID = 0x80;

    /// <summary>glibc's posix_spawn_file_actions_t is 80 bytes and posix_spawnattr_t 336 on
    /// 64-bit; callers allocate these sizes (rounded up) for the opaque structs.</summary>
    public const int SpawnFileActionsSize = 128;
    public const int SpawnAttrSize = 512;
    public const int SigsetSize = 128;

    [LibraryImport(Libc, SetLastError = false)]
    public static partial int posix_spawn(out int pid, byte* path, void* fileActions, void* attr, byte** argv, byte** envp);

    [LibraryImport(Libc)]
    public static partial int posix_spawn_file_actions_init(void* actions);

    [LibraryImport(Libc)]
    public static partial int posix_spawn_file_actions_destroy(void* actions);

    [LibraryImport(Libc)]
    public static partial int posix_spawn_file_actions_adddup2(void* actions, int fd, int newFd);

    [LibraryImport(Libc)]
    public static partial int posix_spawnattr_init(void* attr);

    [LibraryImport(Libc)]
    public static partial int posix_spawnattr_destroy(void* attr);

    [LibraryImport(Libc)]
    public static partial int posix_spawnattr_setflags(void* attr, short flags);

    [LibraryImport(Libc)]
    public static partial int posix_spawnattr_setsigdefault(void* attr, void* sigset);

    [LibraryImport(Libc)]
    public static partial int posix_spawnattr_setsigmask(void* attr, void* sigset);

    [LibraryImport(Libc)]
    public static partial int sigfillset(void* set);

    [LibraryImport(Libc)]
    public static partial int sigemptyset(void* set);

    public const int SIG_SETMASK = 2;

    /// <summary>In a multithreaded process this sets the calling thread's mask (pthread_sigmask).</summary>
    [LibraryImport(Libc, SetLastError = true)]
    public static partial int sigprocmask(int how, void* set, void* oldSet);

    /// <summary>signal(2) with SIG_DFL (0) or SIG_IGN (1) as the handler.</summary>
    [LibraryImport(Libc, SetLastError = true)]
    public static partial nint signal(int signal, nint handler);

    public const int WNOHANG = 1;

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int waitpid(int pid, out int status, int options);

    private const int P_ALL = 0;
    private const int P_PID = 1;
    private const int WEXITED = 4;
    private const int WNOWAIT = 0x01000000;
    private const int SiginfoSize = 128;
    private const int SiginfoPidOffset = 16; // si_pid: after si_signo, si_errno, si_code and padding (64-bit Linux)

    [LibraryImport(Libc, EntryPoint = "waitid", SetLastError = true)]
    private static partial int waitid_raw(int idtype, int id, byte* info, int options);

    /// <summary>Waits until a child has ended and returns its PID without reaping it
    /// (waitid WEXITED|WNOWAIT); -1 with errno set on failure. The caller reaps it by PID
    /// when it is ready: until then the PID stays the zombie's and is no other process's.</summary>
    public static int PeekEndedChild()
    {
        byte* info = stackalloc byte[SiginfoSize];
        new Span<byte>(info, SiginfoSize).Clear();
        return waitid_raw(P_ALL, 0, info, WEXITED | WNOWAIT) == 0 ? *(int*)(info + SiginfoPidOffset) : -1;
    }

    /// <summary>Waits until the child <paramref name="pid"/> has ended without reaping it
    /// (waitid WEXITED|WNOWAIT); 0, or -1 with errno set (EINTR: call again).</summary>
    public static int PeekEnded(int pid)
    {
        byte* info = stackalloc byte[SiginfoSize];
        return waitid_raw(P_PID, pid, info, WEXITED | WNOWAIT);
    }

    public const int SIGHUP = 1;
    public const int SIGINT = 2;
    public const int SIGQUIT = 3;
    public const int SIGKILL = 9;
    public const int SIGPIPE = 13;
    public const int SIGTERM = 15;

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int kill(int pid, int signal);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int execve(byte* path, byte** argv, byte** envp);

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int chdir(string path);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int setgroups(nuint size, uint* groups);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int setresgid(uint rgid, uint egid, uint sgid);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int setresuid(uint ruid, uint euid, uint suid);

    public const int PR_SET_NO_NEW_PRIVS = 38;
    public const int PR_CAPBSET_READ = 23;
    public const int PR_CAPBSET_DROP = 24;
    public const int PR_CAP_AMBIENT = 47;
    public const int PR_CAP_AMBIENT_CLEAR_ALL = 4;
    public const int PR_SET_PDEATHSIG = 1;
    public const int PR_SET_DUMPABLE = 4;
    public const int PR_SET_NAME = 15;

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int prctl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);

    /// <summary>umask(2); returns the mask before (it cannot fail).</summary>
    [LibraryImport(Libc)]
    public static partial uint umask(uint mask);

    /// <summary>_LINUX_CAPABILITY_VERSION_3: two 32-bit data words per set.</summary>
    public const uint LINUX_CAPABILITY_VERSION_3 = 0x20080522;

    [StructLayout(LayoutKind.Sequential)]
    public struct CapUserHeader
    {
        public uint Version;
        public int Pid;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct CapUserData
    {
        public uint Effective;
        public uint Permitted;
        public uint Inheritable;
    }

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int capset(CapUserHeader* header, CapUserData* data);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int capget(CapUserHeader* header, CapUserData* data);

    public static int WEXITSTATUS(int status) => (status >> 8) & 0xff;
    public static int WTERMSIG(int status) => status & 0x7f;
    public static bool WIFEXITED(int status) => WTERMSIG(status) == 0;
    public static bool WIFSIGNALED(int status) => ((sbyte)((status & 0x7f) + 1) >> 1) > 0;

    /// <summary>getpwuid(3): the account of <paramref name="uid"/> through NSS (files, sss,
    /// systemd, ldap...), or zero when none has it.</summary>
    [LibraryImport(Libc)]
    public static partial nint getpwuid(uint uid);

    /// <summary>getgrgid(3): the group of <paramref name="gid"/> through NSS, or zero.</summary>
    [LibraryImport(Libc)]
    public static partial nint getgrgid(uint gid);

    /// <summary>setfsuid(2): the calling thread's file-system user ID (returns the previous one).</summary>
    [LibraryImport(Libc)]
    public static partial int setfsuid(uint fsuid);

    /// <summary>setfsgid(2): the calling thread's file-system group ID (returns the previous one).</summary>
    [LibraryImport(Libc)]
    public static partial int setfsgid(uint fsgid);
}
