using System.Diagnostics;
using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.Network;

/// <summary>
/// CVE-2020-8558 on PodUnits' bridge: a hostPort makes portmap turn on route_localnet on
/// podunits0, after which the kernel accepts packets that arrive there for 127.0.0.0/8. A
/// pod (one given CAP_NET_RAW; here the test sends from the pod's network namespace itself) must still not reach what the host binds to 127.0.0.1 only: the executor
/// adds kube-proxy's rule before the first portmap ADD (LocalnetGuard). The frame goes from
/// the pod's eth0 to the bridge's own address, nowhere else; the listener is the sandbox's.
/// </summary>
[Collection(HostWideGc.Name)]
public sealed class LocalnetGuardTests
{
    private const string Comment = "podunits: nothing from outside for 127.0.0.0/8";
    private const int Port = 18597;

    [Fact]
    public void APodCannotReachTheHostsLoopbackOnceAHostPortTurnedOnRouteLocalnet()
    {
        using var published = new PodHarness("lnet-pub", NetworkProbe.HttpdPod("lnet-pub", "from-lnet-pub", hostPort: 18096));
        using var sender = new PodHarness("lnet-b", PodHarness.BusyboxPod("lnet-b", PodHarness.Idle));
        Assert.True(published.Systemctl("start", published.Unit).Code == 0, string.Join('\n', published.Journal("-u", published.Unit)));
        Assert.True(sender.Systemctl("start", sender.Unit).Code == 0, string.Join('\n', sender.Journal("-u", sender.Unit)));
        Assert.Equal("1", File.ReadAllText("/proc/sys/net/ipv4/conf/podunits0/route_localnet").Trim());
        Assert.Single(Rules());
        // The hostPort itself still answers on the host's 127.0.0.1 (DNAT, then replies).
        Assert.Equal("from-lnet-pub\n", NetworkProbe.Fetch("http://127.0.0.1:18096/"));

        Assert.Equal("nothing", SendMartianAndListen("lnet-b"));

        // Control: without the rule the same frame is delivered, so the check above can fail.
        string number = PodHarness.Run("iptables", "-w", "5", "-t", "filter", "-L", "INPUT", "-n", "--line-numbers").Output.Split('\n')
            .Single(l => l.Contains(Comment, StringComparison.Ordinal)).Split(' ')[0];
        var delete = PodHarness.Run("iptables", "-w", "5", "-t", "filter", "-D", "INPUT", number);
        Assert.True(delete.Code == 0 && Rules().Length == 0, delete.Output);
        Assert.Equal("martian-from-a-pod", SendMartianAndListen("lnet-b"));

        // The next start of a pod with a hostPort puts it back.
        Assert.Equal(0, published.Systemctl("restart", published.Unit).Code);
        Assert.Single(Rules());
        Assert.Equal("nothing", SendMartianAndListen("lnet-b"));
    }

    private static string[] Rules() =>
        [.. PodHarness.Run("iptables-save", "-t", "filter").Output.Split('\n').Where(l => l.Contains(Comment, StringComparison.Ordinal))];

    /// <summary>Listens on the host's 127.0.0.1:<see cref="Port"/> (UDP) while the pod's network
    /// namespace sends one frame from its eth0 to the bridge's MAC, for 127.0.0.1; returns what
    /// arrived, or "nothing".</summary>
    private static string SendMartianAndListen(string pod)
    {
        using Process listener = Process.Start(new ProcessStartInfo("python3", ["-c",
            $"import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('127.0.0.1', {Port})); s.settimeout(2); print('listening', flush=True)\n" +
            "try: print(s.recv(100).decode())\nexcept socket.timeout: print('nothing')"])
        { RedirectStandardOutput = true })!;
        Assert.Equal("listening", listener.StandardOutput.ReadLine());
        string bridgeMac = File.ReadAllText("/sys/class/net/podunits0/address").Trim();
        string source = NetworkProbe.Ip(pod);
        var send = PodHarness.Run("nsenter", $"--net=/run/podunits/netns/{pod}", "python3", "-c", $$"""
            import socket, struct
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
            s.bind(("eth0", 0))
            payload = b"martian-from-a-pod"
            udp = struct.pack("!HHHH", 40000, {{Port}}, 8 + len(payload), 0) + payload
            header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0x4000, 64, 17, 0,
                                 socket.inet_aton("{{source}}"), socket.inet_aton("127.0.0.1"))
            total = sum(struct.unpack("!10H", header))
            while total > 0xffff: total = (total & 0xffff) + (total >> 16)
            header = header[:10] + struct.pack("!H", ~total & 0xffff) + header[12:]
            frame = bytes.fromhex("{{bridgeMac.Replace(":", "", StringComparison.Ordinal)}}") + s.getsockname()[4] + b"\x08\x00" + header + udp
            s.send(frame)
            """);
        Assert.True(send.Code == 0, send.Output);
        string got = listener.StandardOutput.ReadToEnd().Trim();
        listener.WaitForExit();
        return got;
    }
}
