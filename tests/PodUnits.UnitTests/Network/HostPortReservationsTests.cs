using System.Net;
using System.Net.Sockets;
using PodUnits.Core.Errors;
using PodUnits.Core.Native;
using PodUnits.Runtime.Network;
using PodUnits.Runtime.Plan;
using PodUnits.Runtime.State;

namespace PodUnits.UnitTests.Network;

/// <summary>HostPortReservations: host ports held by a bound socket, and the claims that
/// name the pod holding one.</summary>
public sealed class HostPortReservationsTests : IDisposable
{
    private readonly List<string> _pods = [];

    public void Dispose()
    {
        foreach (string pod in _pods)
        {
            if (Directory.Exists(PodPaths.RuntimeDir(pod)))
            {
                Directory.Delete(PodPaths.RuntimeDir(pod), recursive: true);
            }
            PodClaim.TryCollect(pod);
        }
        // /run/podunits/state itself stays: the product makes it too, and another test
        // (or a running pod) may be using it.
    }

    private static PortMappingPlan Port(int hostPort, string protocol = "tcp", string hostIP = "", int containerPort = 80) =>
        new() { HostPort = hostPort, ContainerPort = containerPort, Protocol = protocol, HostIP = hostIP };

    [Theory]
    [InlineData("8080/tcp", 8080, "tcp", "", true)]
    [InlineData("8080/tcp", 8080, "udp", "", false)]
    [InlineData("8080/udp", 8080, "udp", "", true)]
    [InlineData("8081/tcp", 8080, "tcp", "", false)]
    [InlineData("80800/tcp", 8080, "tcp", "", false)]
    [InlineData("127.0.0.1:8080/tcp", 8080, "tcp", "", true)]
    [InlineData("8080/tcp", 8080, "tcp", "127.0.0.1", true)]
    [InlineData("127.0.0.1:8080/tcp", 8080, "tcp", "127.0.0.1", true)]
    [InlineData("127.0.0.1:8080/tcp", 8080, "tcp", "127.0.0.2", false)]
    [InlineData("127.0.0.1:8080/tcp", 8080, "udp", "127.0.0.1", false)]
    [InlineData("[::1]:8080/udp", 8080, "udp", "::1", true)]
    [InlineData("[::1]:8080/udp", 8080, "udp", "::2", false)]
    [InlineData("[fd00::1]:53/sctp", 53, "sctp", "fd00::1", true)]
    // Claims written before addresses were bracketed, by a pod still running.
    [InlineData("::1:8080/udp", 8080, "udp", "::1", true)]
    [InlineData("::1:8080/udp", 8080, "udp", "", true)]
    [InlineData("::1:8080/udp", 8080, "udp", "::2", false)]
    [InlineData("::1:8080/udp", 8080, "tcp", "::1", false)]
    [InlineData("fd00::1:53/sctp", 53, "sctp", "fd00::1", true)]
    [InlineData("fd00::1:53/sctp", 1, "sctp", "fd00::1:53", false)]
    [InlineData("", 8080, "tcp", "", false)]
    [InlineData("8080", 8080, "tcp", "", false)]
    [InlineData("8080/tcp/x", 8080, "tcp", "", false)]
    [InlineData("garbage", 8080, "tcp", "", false)]
    public void OverlapsComparesPortProtocolAndAddress(string claim, int hostPort, string protocol, string hostIP, bool overlaps)
    {
        Assert.Equal(overlaps, HostPortReservations.Overlaps(claim, Port(hostPort, protocol, hostIP)));
    }

    [Theory]
    [InlineData(8080, "tcp", "")]
    [InlineData(53, "udp", "127.0.0.1")]
    [InlineData(65535, "sctp", "::1")]
    [InlineData(1, "tcp", "fe80::1")]
    public void EveryClaimOverlapsItsOwnPort(int hostPort, string protocol, string hostIP)
    {
        PortMappingPlan port = Port(hostPort, protocol, hostIP);
        Assert.True(HostPortReservations.Overlaps(port.ToString(), port));
    }

    [Theory]
    [InlineData("127.0.0.1:8080/tcp", "0.0.0.0")]
    [InlineData("0.0.0.0:8080/tcp", "127.0.0.1")]
    public void AnExplicitAnyAddressOverlapsEveryAddress(string claim, string hostIP)
    {
        // hostIP 0.0.0.0 binds INADDR_ANY exactly as an unset hostIP does, and the definition
        // checks treat the two as the same address.
        Assert.True(HostPortReservations.Overlaps(claim, Port(8080, "tcp", hostIP)));
    }

    [Fact]
    public void ClaimsAreWrittenAsPortMappingPlanPrintsThem()
    {
        Assert.Equal("8080/tcp", Port(8080).ToString());
        Assert.Equal("127.0.0.1:8080/tcp", Port(8080, hostIP: "127.0.0.1").ToString());
        // An IPv6 address in brackets, as in a URL: "::1:8080" reads as an address alone.
        Assert.Equal("[::1]:8080/udp", Port(8080, "udp", "::1").ToString());
    }

    [Fact]
    public void AnAddressThisHostDoesNotHaveIsSaidSoNotBlamedOnAnotherProgram()
    {
        if (!TryPrepare(out string pod, out _))
        {
            return;
        }
        // TEST-NET-1 (RFC 5737): no host has it; bind(2) fails with EADDRNOTAVAIL, no packet is sent.
        var e = Assert.Throws<PodUnitsException>(() => HostPortReservations.Reserve(pod, [Port(18184, "tcp", "192.0.2.1")]));
        Assert.Equal($"pod {pod}: cannot publish hostPort 192.0.2.1:18184/tcp: 192.0.2.1 is not an address of this host (hostIP)", e.Message);
    }

    [Fact]
    public void NoPortsHoldNothingAndWriteNothing()
    {
        string pod = NewPod();
        using HostPortReservations held = HostPortReservations.Reserve(pod, []);
        Assert.False(Directory.Exists(PodPaths.RuntimeDir(pod)));
        held.Dispose(); // twice is fine
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("udp")]
    public void APortHeldByOnePodCannotBeReservedByAnother(string protocol)
    {
        if (!TryPrepare(out string first, out string second))
        {
            return; // /run/podunits/state is not writable here: nothing to test
        }
        PortMappingPlan port = Port(FreePort(protocol), protocol, "127.0.0.1");

        HostPortReservations held = HostPortReservations.Reserve(first, [port]);
        try
        {
            string claims = $"{PodPaths.RuntimeDir(first)}/ports";
            Assert.Equal($"{port}\n", File.ReadAllText(claims));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(claims));
            Assert.False(CanBind(port), "the reserved port is still free");

            PodUnitsException e = Assert.Throws<PodUnitsException>(() => HostPortReservations.Reserve(second, [port]));
            // The first pod's claim is not held by a running executor: an unnamed holder.
            Assert.Equal($"pod {second}: cannot publish hostPort {port}: another program on the host uses it (address already in use)", e.Message);
            Assert.False(File.Exists($"{PodPaths.RuntimeDir(second)}/ports"));
        }
        finally
        {
            held.Dispose();
        }

        Assert.True(CanBind(port), "the port stays taken after Dispose");
        using HostPortReservations again = HostPortReservations.Reserve(second, [port]);
        Assert.Equal($"{port}\n", File.ReadAllText($"{PodPaths.RuntimeDir(second)}/ports"));
    }

    /// <summary>Review of the merged network change, 2026-12-07, finding 2: a dead pod whose
    /// name gc, `podunits stop` or another start held to release its network counted as using
    /// its ports, and a start failed at once naming a pod that no longer ran.</summary>
    [Fact]
    public void ADeadPodsClaimsHeldByAReleaseHoldNoPort()
    {
        if (!TryPrepare(out string dead, out string second))
        {
            return;
        }
        PortMappingPlan port = Port(FreePort("tcp"), "tcp", "127.0.0.1");
        File.WriteAllText($"{PodPaths.RuntimeDir(dead)}/ports", $"{port}\n");
        PodState.WritePids(dead, int.MaxValue, 0); // an executor that is gone: no such PID
        PodClaim release = PodClaim.Acquire(dead); // held, as a release of its network holds it
        try
        {
            using (HostPortReservations.Reserve(second, [port]))
            {
            }
            // The same claims held by a run: refused, naming it.
            PodState.WritePids(dead, Environment.ProcessId, 0);
            PodUnitsException e = Assert.Throws<PodUnitsException>(() => HostPortReservations.Reserve(second, [port]));
            Assert.Equal($"pod {second}: cannot publish hostPort {port}: pod {dead} uses it", e.Message);
        }
        finally
        {
            LibcExtra.close(release.Fd);
        }
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("udp")]
    public void AConflictNamesTheRunningPodThatClaimsThePort(string protocol)
    {
        if (!TryPrepare(out string first, out string second))
        {
            return;
        }
        PortMappingPlan port = Port(FreePort(protocol), protocol, "127.0.0.1");
        PodClaim claim = PodClaim.Acquire(first);
        PodState.WritePids(first, Environment.ProcessId, 0); // a run holds it: this process stands for its executor
        try
        {
            using HostPortReservations held = HostPortReservations.Reserve(first, [port]);
            // The second pod asks for every address: it overlaps the first pod's 127.0.0.1.
            PortMappingPlan any = Port(port.HostPort, protocol, "");
            PodUnitsException e = Assert.Throws<PodUnitsException>(() => HostPortReservations.Reserve(second, [any]));
            Assert.Equal($"pod {second}: cannot publish hostPort {any}: pod {first} uses it", e.Message); // its claim, seen before any bind
        }
        finally
        {
            LibcExtra.close(claim.Fd);
        }
    }

    /// <summary>Network review of 2026-12-07, finding 5: a pod that ended (or restarted) between
    /// the look at its claims file and the read failed another pod's start with an internal
    /// error. A dangling link stands for the file gone in that moment: it exists for the look
    /// (File.Exists falls back to lstat) and the read finds nothing.</summary>
    [Fact]
    public void ARunningPodsClaimsGoneBeforeTheyAreReadHoldNoPort()
    {
        if (!TryPrepare(out string first, out string second))
        {
            return;
        }
        File.CreateSymbolicLink($"{PodPaths.RuntimeDir(first)}/ports", $"{PodPaths.RuntimeDir(first)}/gone");
        PortMappingPlan port = Port(FreePort("tcp"), "tcp", "127.0.0.1");
        PodClaim claim = PodClaim.Acquire(first);
        PodState.WritePids(first, Environment.ProcessId, 0); // held by a run: its claims are read
        try
        {
            using HostPortReservations held = HostPortReservations.Reserve(second, [port]);
            Assert.Equal($"{port}\n", File.ReadAllText($"{PodPaths.RuntimeDir(second)}/ports"));
        }
        finally
        {
            LibcExtra.close(claim.Fd);
        }
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("udp")]
    public void AFailedReservationReleasesThePortsItAlreadyHeld(string protocol)
    {
        if (!TryPrepare(out string first, out string second))
        {
            return;
        }
        PortMappingPlan taken = Port(FreePort(protocol), protocol, "127.0.0.1");
        int other = FreePort(protocol);
        while (other == taken.HostPort)
        {
            other = FreePort(protocol);
        }
        PortMappingPlan free = Port(other, protocol, "127.0.0.1");
        using HostPortReservations held = HostPortReservations.Reserve(first, [taken]);
        Assert.Throws<PodUnitsException>(() => HostPortReservations.Reserve(second, [free, taken]));
        // Another program may take the port the moment it is free (a DNS lookup's random
        // source port): what matters is that this process no longer holds it.
        Assert.True(CanBind(free) || !HeldHere(free), "a port held before the conflict was not released");
    }

    /// <summary>Whether a socket of this process is bound to the port (/proc/net's table of
    /// the protocol, matched by inode against this process's descriptors).</summary>
    private static bool HeldHere(PortMappingPlan port)
    {
        var inodes = File.ReadLines($"/proc/net/{port.Protocol}").Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => int.Parse(f[1].Split(':')[1], System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture) == port.HostPort)
            .Select(f => $"socket:[{f[9]}]")
            .ToHashSet(StringComparer.Ordinal);
        return Directory.EnumerateFiles("/proc/self/fd").Any(fd => Target(fd) is string target && inodes.Contains(target));

        static string? Target(string fd)
        {
            try
            {
                return new FileInfo(fd).LinkTarget;
            }
            catch (IOException)
            {
                return null; // closed meanwhile
            }
        }
    }

    [Fact]
    public void AConnectionLeftInTimeWaitDoesNotHoldThePort()
    {
        if (!TryPrepare(out string first, out string second))
        {
            return;
        }
        // A host service served one connection on the port and closed it first, so its end
        // of that connection waits out TIME-WAIT (60 s) on the port; then it stopped.
        int number;
        using (var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen();
            number = ((IPEndPoint)listener.LocalEndPoint!).Port;
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            client.Connect(listener.LocalEndPoint!);
            using Socket served = listener.Accept();
            served.Shutdown(SocketShutdown.Both);
            served.Close();
            client.Receive(new byte[1]); // the server's FIN: the server end is in TIME-WAIT once this end closes
            client.Close();
        }
        PortMappingPlan port = Port(number, "tcp", "127.0.0.1");
        using HostPortReservations held = HostPortReservations.Reserve(first, [port]);
        Assert.False(CanBind(port), "the reserved port is still free");
        PodUnitsException e = Assert.Throws<PodUnitsException>(() => HostPortReservations.Reserve(second, [port]));
        Assert.Contains("address already in use", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void APodMayPublishTheSameNumberForTcpAndUdp()
    {
        if (!TryPrepare(out string first, out _))
        {
            return;
        }
        int number = FreePort("tcp");
        if (!CanBind(Port(number, "udp", "127.0.0.1")))
        {
            return; // the UDP port happens to be in use
        }
        using HostPortReservations held = HostPortReservations.Reserve(first, [Port(number, "tcp", "127.0.0.1"), Port(number, "udp", "127.0.0.1")]);
        Assert.Equal($"127.0.0.1:{number}/tcp\n127.0.0.1:{number}/udp\n", File.ReadAllText($"{PodPaths.RuntimeDir(first)}/ports"));
    }

    private string NewPod()
    {
        string pod = $"unit-test-ports-{Guid.NewGuid():N}"[..32];
        _pods.Add(pod);
        return pod;
    }

    /// <summary>Two pods with their runtime directories, as the executor makes them before
    /// it reserves; false when this machine does not let the test make them.</summary>
    private bool TryPrepare(out string first, out string second)
    {
        first = NewPod();
        second = NewPod();
        try
        {
            PodPaths.CreateRuntimeRoot();
            PodPaths.CreatePrivateDirectory(PodPaths.RuntimeDir(first));
            PodPaths.CreatePrivateDirectory(PodPaths.RuntimeDir(second));
            return true;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return false;
        }
    }

    private static (SocketType, ProtocolType) Kind(string protocol) =>
        protocol == "udp" ? (SocketType.Dgram, ProtocolType.Udp) : (SocketType.Stream, ProtocolType.Tcp);

    /// <summary>A port on 127.0.0.1 nothing uses now, below the kernel's ephemeral range
    /// (ip_local_port_range). Not one the kernel picks (bind to port 0): the tests of this
    /// assembly run in parallel, and the probe and registry tests' servers and connections
    /// take ephemeral ports, so a port this test freed could be given to one of them before
    /// it is reserved again.</summary>
    private static int FreePort(string protocol)
    {
        int ephemeralStart = int.Parse(
            File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0],
            System.Globalization.CultureInfo.InvariantCulture);
        int low = Math.Min(10000, ephemeralStart / 2);
        for (int tries = 0; tries < 1000; tries++)
        {
            int number = Random.Shared.Next(low, ephemeralStart);
            if (CanBind(Port(number, protocol, "127.0.0.1")))
            {
                return number;
            }
        }
        throw new InvalidOperationException($"no free {protocol} port below {ephemeralStart} on 127.0.0.1");
    }

    /// <summary>Whether another program could bind the port now. Through System.Net.Sockets,
    /// which sets SO_REUSEADDR on TCP sockets before bind(2), as most servers do: a held
    /// port must refuse such a socket too.</summary>
    private static bool CanBind(PortMappingPlan port)
    {
        (SocketType type, ProtocolType proto) = Kind(port.Protocol);
        using var socket = new Socket(AddressFamily.InterNetwork, type, proto);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Parse(port.HostIP), port.HostPort));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
