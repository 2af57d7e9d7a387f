using System.Runtime.InteropServices;
using System.Text;
using PodUnits.Core.Errors;
using PodUnits.Core.Native;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace PodUnits.Runtime.Activation;

/// <summary>
/// The pod's notify socket (podman's --sdnotify=container, docs/activation.md): a datagram
/// socket the executor binds at <see cref="HostPath"/> before the pod init starts. The pod
/// init binds that one socket (not its directory) into its private /run at
/// <see cref="PodPath"/>, and container-start binds it, read-only, into the notify
/// container alone at <see cref="ContainerPath"/> (systemd-nspawn's place for it), where
/// NOTIFY_SOCKET names it. A datagram counts only when the kernel's SCM_CREDENTIALS name a
/// sender whose cgroup is the container's scope: the pod's other containers share its PID
/// namespace and could reach the socket through /proc/PID/root. A sender that has exited
/// before its datagram is read cannot be checked and is ignored (systemd's rule for
/// NotifyAccess=); BARRIER=1 (sd_notify_barrier(3), which systemd-notify sends after its
/// message) keeps the sender waiting until its earlier datagrams are read, so the check holds.
/// </summary>
public sealed unsafe class NotifySocket : IDisposable
{
    /// <summary>Root's only (0700): the socket inode itself is 0666 so a container's non-root
    /// user can send, which the directory keeps from the host's other users.</summary>
    public const string HostDir = "/run/podunits/notify";

    /// <summary>Inside the pod's private /run (the pod init's mount namespace).</summary>
    public const string PodPath = "/run/podunits/notify";

    /// <summary>Inside the notify container; NOTIFY_SOCKET's value.</summary>
    public const string ContainerPath = "/run/host/notify";

    private const int SO_PASSCRED = 16;
    private const int SCM_CREDENTIALS = 2;
    private const int MaxFds = 16;

    private readonly int _fd;
    private readonly string _path;
    private int _closed;
    private Thread? _reader;

    private NotifySocket(int fd, string path)
    {
        _fd = fd;
        _path = path;
    }

    /// <summary>The host path of pod <paramref name="pod"/>'s socket (a validated DNS label).</summary>
    public static string HostPath(string pod) => $"{HostDir}/{pod}";

    /// <summary>Binds a fresh socket for pod <paramref name="pod"/> (a stale one of a crashed run is replaced).</summary>
    public static NotifySocket Bind(string pod)
    {
        string path = HostPath(pod);
        Directory.CreateDirectory(HostDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.SetUnixFileMode(HostDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.Delete(path);
        int fd = Check.Io(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), "socket AF_UNIX SOCK_DGRAM");
        try
        {
            var address = default(sockaddr_un);
            address.sun_family = AF_UNIX;
            byte[] bytes = Encoding.UTF8.GetBytes(path);
            if (bytes.Length >= 108)
            {
                throw new PodUnitsException(path, "the notify socket's path is too long");
            }
            bytes.CopyTo(new Span<byte>(address.sun_path, 108));
            Check.Io(bind(fd, (sockaddr*)&address, (socklen_t)sizeof(sockaddr_un)), "bind", path);
            File.SetUnixFileMode(path, (UnixFileMode)0x1b6); // 0666: see HostDir
            int on = 1;
            Check.Io(setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof(int)), "setsockopt SO_PASSCRED", path);
        }
        catch
        {
            _ = close(fd);
            File.Delete(path);
            throw;
        }
        return new NotifySocket(fd, path);
    }

    /// <summary>Reads datagrams on a thread of its own until disposed; hands each from a sender
    /// that <paramref name="accept"/> takes (by host PID) to <paramref name="received"/>, and
    /// rejected ones, once per sender, to <paramref name="rejected"/>.</summary>
    public void Start(Func<int, bool> accept, Action<NotifyMessage> received, Action<int> rejected)
    {
        _reader = new Thread(() => Receive(accept, received, rejected)) { IsBackground = true, Name = "notify" };
        _reader.Start();
    }

    /// <summary>Waits until the reading thread has ended (after <see cref="Dispose"/>); for tests.</summary>
    internal bool WaitForReader(TimeSpan timeout) => _reader?.Join(timeout) ?? true;

    /// <summary>How many refused senders are said (each once).</summary>
    public const int MaxReportedSenders = 32;

    private void Receive(Func<int, bool> accept, Action<NotifyMessage> received, Action<int> rejected)
    {
        byte* data = stackalloc byte[NotifyMessage.MaxDatagram];
        int controlSize = CMSG_SPACE(sizeof(ucred)) + CMSG_SPACE(MaxFds * sizeof(int));
        byte* control = stackalloc byte[controlSize];
        var reported = new HashSet<int>();
        while (Volatile.Read(ref _closed) == 0)
        {
            new Span<byte>(control, controlSize).Clear();
            var vector = new iovec { iov_base = data, iov_len = NotifyMessage.MaxDatagram };
            var message = new msghdr { msg_iov = &vector, msg_iovlen = 1, msg_control = control, msg_controllen = (socklen_t)controlSize };
            long n = recvmsg(_fd, &message, MSG_CMSG_CLOEXEC | MSG_TRUNC);
            if (n < 0 && errno == EINTR)
            {
                continue;
            }
            if (n < 0)
            {
                return; // shut down (Dispose), or broken: nothing more will come
            }
            (int pid, List<int> fds) = Ancillary(&message, control + (uint)message.msg_controllen);
            try
            {
                // Dispose's shutdown wakes recvmsg with an empty "datagram" and no sender:
                // once read as one from PID 0, warned about at every stop like a spoof
                // (activation review of 2026-12-06, finding 7).
                if (Volatile.Read(ref _closed) != 0)
                {
                    return;
                }
                if (n > NotifyMessage.MaxDatagram || (message.msg_flags & MSG_TRUNC) != 0 || pid <= 0)
                {
                    continue; // not a notification (SO_PASSCRED gives every real one a sender)
                }
                if (!accept(pid))
                {
                    // Each sender once, and a bounded number of them: a neighbour forking
                    // fresh PIDs must not grow this set or the journal without end.
                    if (reported.Count < MaxReportedSenders && reported.Add(pid))
                    {
                        rejected(pid);
                    }
                    continue;
                }
                received(NotifyMessage.Parse(new ReadOnlySpan<byte>(data, (int)n)));
            }
            finally
            {
                // BARRIER=1's descriptor among them: closing it tells the sender that every
                // earlier datagram has been read (sd_notify_barrier(3)).
                fds.ForEach(CloseAtOnce);
            }
        }
    }

    /// <summary>Closes a descriptor a sender passed without waiting on it: a TCP socket with
    /// unsent data and SO_LINGER set would hold this thread in close() for its linger time,
    /// and READY=1 behind it (activation review of 2026-12-06, finding 8). A zero linger
    /// makes close() immediate; on a descriptor that is no socket setsockopt fails, harmlessly.</summary>
    private static void CloseAtOnce(int fd)
    {
        var immediate = new linger { l_onoff = 1, l_linger = 0 };
        _ = setsockopt(fd, SOL_SOCKET, SO_LINGER, &immediate, sizeof(linger));
        _ = close(fd);
    }

    private static (int Pid, List<int> Fds) Ancillary(msghdr* message, byte* end)
    {
        int pid = 0;
        var fds = new List<int>();
        for (cmsghdr* header = CMSG_FIRSTHDR(message); header is not null && (byte*)header + (uint)header->cmsg_len <= end
             && (uint)header->cmsg_len >= (uint)CMSG_LEN(0); header = CMSG_NXTHDR(message, header))
        {
            if (header->cmsg_level != SOL_SOCKET)
            {
                continue;
            }
            if (header->cmsg_type == SCM_CREDENTIALS && (uint)header->cmsg_len >= (uint)(CMSG_LEN(0) + sizeof(ucred)))
            {
                pid = ((ucred*)CMSG_DATA(header))->pid;
            }
            else if (header->cmsg_type == SCM_RIGHTS)
            {
                int count = ((int)header->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                for (int i = 0; i < count; i++)
                {
                    fds.Add(((int*)CMSG_DATA(header))[i]);
                }
            }
        }
        return (pid, fds);
    }

    /// <summary>Whether the cgroup file of a process (/proc/PID/cgroup: "ID:CONTROLLERS:PATH"
    /// lines, one per hierarchy) puts it in the cgroup <paramref name="scope"/> (a path from
    /// the hierarchy's root) or below it. Any hierarchy counts: on a hybrid host the scope
    /// shows in the v1 ones and the unified one. The whole path: a cgroup of the scope's name
    /// anywhere (one another container that may make cgroups made below its own) is not the
    /// scope (generator review of 2026-12-06, finding 3).</summary>
    public static bool CgroupIsIn(string cgroupFile, string scope)
    {
        ArgumentNullException.ThrowIfNull(cgroupFile);
        ArgumentNullException.ThrowIfNull(scope);
        return cgroupFile.Split('\n').Any(line => line.Split(':', 3) is [_, _, string path]
            && (path == scope || path.StartsWith(scope + "/", StringComparison.Ordinal)));
    }

    /// <summary>Whether host process <paramref name="pid"/> runs in the cgroup
    /// <paramref name="scope"/>; false when it is gone.</summary>
    public static bool ProcessIsIn(int pid, string scope)
    {
        try
        {
            return CgroupIsIn(File.ReadAllText($"/proc/{pid}/cgroup"), scope);
        }
        catch (IOException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }
        // shutdown wakes the reading thread (recvmsg returns); the descriptor closes with
        // the process: closing it under a blocked reader could hand its number to another.
        _ = shutdown(_fd, SHUT_RDWR);
        try
        {
            File.Delete(_path);
        }
        catch (IOException)
        {
            // gone with /run, or never there
        }
    }
}
