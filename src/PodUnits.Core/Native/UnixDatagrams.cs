using static Tmds.Linux.LibC;
using Tmds.Linux;

namespace PodUnits.Core.Native;

/// <summary>sendmsg(2) of one datagram on an AF_UNIX socket to an address, optionally passing
/// one descriptor (SCM_RIGHTS), which .NET's Socket cannot do: journald's memfd path and
/// sd_notify's BARRIER=1 need it.</summary>
public static class UnixDatagrams
{
    /// <summary>Returns 0 or the errno of sendmsg(2); retries on EINTR.
    /// <paramref name="passedFd"/> -1: no descriptor.</summary>
    public static unsafe int Send(int socketFd, ReadOnlySpan<byte> address, ReadOnlySpan<byte> data, int passedFd = -1)
    {
        const int ControlSize = 24; // CMSG_SPACE(sizeof(int)) on 64-bit Linux
        fixed (byte* name = address)
        fixed (byte* bytes = data)
        {
            var io = new iovec { iov_base = bytes, iov_len = (size_t)data.Length };
            var message = new msghdr
            {
                msg_name = name,
                msg_namelen = (socklen_t)address.Length,
                msg_iov = data.IsEmpty ? null : &io,
                msg_iovlen = data.IsEmpty ? 0 : 1,
            };
            if (passedFd >= 0)
            {
                byte* control = stackalloc byte[ControlSize]; // lives until the method returns
                new Span<byte>(control, ControlSize).Clear();
                message.msg_control = control;
                message.msg_controllen = ControlSize;
                cmsghdr* header = CMSG_FIRSTHDR(&message);
                header->cmsg_level = SOL_SOCKET;
                header->cmsg_type = SCM_RIGHTS;
                header->cmsg_len = (socklen_t)(sizeof(cmsghdr) + sizeof(int));
                *(int*)CMSG_DATA(header) = passedFd;
            }
            while (true)
            {
                if ((long)sendmsg(socketFd, &message, MSG_NOSIGNAL) >= 0)
                {
                    return 0;
                }
                int error = errno;
                if (error != EINTR)
                {
                    return error;
                }
            }
        }
    }
}
