using System.Net;
using System.Runtime.InteropServices;

namespace PodUnits.Core.Native;

#pragma warning disable CA1401 // raw libc calls are the public surface of LibcExtra, as in Tmds.LibC

// getifaddrs(3), which Tmds.LibC lacks: the addresses of this network namespace, without
// System.Net.NetworkInformation (about 100 KB more in podunits-stage1, whose memory is
// measured against nspawn's supervisor).
public static unsafe partial class LibcExtra
{
    public const int AF_INET6 = 10;
    private const uint IFF_LOOPBACK = 0x8;

    [StructLayout(LayoutKind.Sequential)]
    private struct IfAddrs
    {
        public IfAddrs* Next;
        public byte* Name;
        public uint Flags;
        public byte* Address;
        public byte* Netmask;
        public byte* BroadcastOrDestination;
        public void* Data;
    }

    [LibraryImport(Libc, EntryPoint = "getifaddrs", SetLastError = true)]
    private static partial int getifaddrs_raw(IfAddrs** list);

    [LibraryImport(Libc, EntryPoint = "freeifaddrs")]
    private static partial void freeifaddrs_raw(IfAddrs* list);

    /// <summary>The IPv4 and IPv6 addresses of every interface that is not loopback, in the
    /// kernel's order.</summary>
    public static List<IPAddress> InterfaceAddresses()
    {
        IfAddrs* list;
        Check.Io(getifaddrs_raw(&list), "getifaddrs");
        var result = new List<IPAddress>();
        try
        {
            for (IfAddrs* i = list; i != null; i = i->Next)
            {
                if (i->Address == null || (i->Flags & IFF_LOOPBACK) != 0)
                {
                    continue;
                }
                ushort family = *(ushort*)i->Address;
                if (family == AF_INET)
                {
                    result.Add(new IPAddress(new ReadOnlySpan<byte>(i->Address + 4, 4))); // sockaddr_in.sin_addr
                }
                else if (family == AF_INET6)
                {
                    result.Add(new IPAddress(new ReadOnlySpan<byte>(i->Address + 8, 16))); // sockaddr_in6.sin6_addr
                }
            }
        }
        finally
        {
            freeifaddrs_raw(list);
        }
        return result;
    }
}
