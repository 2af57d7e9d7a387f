using System.Globalization;
using PodUnits.IntegrationTests.Network;
using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.UserNamespaces;

/// <summary>
/// The realistic image under hostUsers: false: Debian 12 with nginx (tests/images/
/// debian-rootfs.sh, built by tests/run.sh before the sandbox). nginx's master runs as the
/// namespace's root and drops its workers to www-data (setgroups, setgid, setuid inside the
/// namespace) after binding port 80, image files owned by groups other than root keep them,
/// the page answers on the pod's address, and ping works (given NET_RAW, which Debian's ping
/// needs to be executed at all).
/// </summary>
public sealed class DebianImageUserNamespaceTests
{
    private static string Rootfs => Path.Combine(PodUnits.UnitTests.RepoRoot.Path, "artifacts", "debian-rootfs");

    [Fact]
    public void NginxDropsItsWorkersToWwwDataInsideThePodsRange()
    {
        Assert.True(File.Exists($"{Rootfs}/.complete"),
            $"the Debian-based test image is missing: tests/run.sh builds it with tests/images/debian-rootfs.sh {Rootfs} (needs mmdebstrap and a Debian mirror)");
        const string name = "userns-debian";
        using var pod = new PodHarness(name, $$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: {{name}}
            spec:
              hostUsers: false
              terminationGracePeriodSeconds: 2
              containers:
                - name: web
                  image: "dir:{{Rootfs}}"
                  command: ["nginx", "-g", "daemon off;"]
                  # Debian's ping carries the file capability cap_net_raw: exec refuses it (EPERM)
                  # where the bounding set lacks NET_RAW, which podman's default set does.
                  securityContext:
                    capabilities: {add: [NET_RAW]}
            """);
        var start = pod.Systemctl("start", pod.Unit);
        Assert.True(start.Code == 0, $"{start.Output}\n{string.Join('\n', pod.Journal("-u", pod.Unit))}");
        string? page = NetworkProbe.FetchOnceListening($"http://{NetworkProbe.Ip(name)}/");
        Assert.True(page?.Contains("Welcome to nginx", StringComparison.Ordinal) == true, page ?? string.Join('\n', pod.Journal("-u", pod.Unit)));

        uint first = uint.Parse(File.ReadAllText($"/var/lib/podunits/userns/{name}").Split(' ')[0], CultureInfo.InvariantCulture);
        // From the host: the master is the range's first ID, the workers www-data's (33).
        Assert.False(string.IsNullOrEmpty(PodHarness.Run("pgrep", "-U", first.ToString(CultureInfo.InvariantCulture), "-f", "nginx: master").Output.Trim()),
            PodHarness.Run("ps", "-eo", "uid,pid,args").Output);
        Assert.False(string.IsNullOrEmpty(PodHarness.Run("pgrep", "-U", (first + 33).ToString(CultureInfo.InvariantCulture), "-f", "nginx: worker").Output.Trim()),
            PodHarness.Run("ps", "-eo", "uid,pid,args").Output);
        // Inside: the image's group owners (mail is 8, staff 50 in Debian), through idmapped layers.
        var owners = PodHarness.Run("podunits", "enter", name, "--", "stat", "-c", "%n %u %g", "/var/mail", "/var/local", "/usr/sbin/nginx");
        Assert.True(owners.Code == 0, owners.Output);
        Assert.Equal(["/var/mail 0 8", "/var/local 0 50", "/usr/sbin/nginx 0 0"], owners.Output.Trim().Split('\n'));
        // Root's CAP_NET_RAW is the pod's user namespace's, not its network namespace's: ping
        // works through the ICMP sockets the pod's groups are given (net.ipv4.ping_group_range).
        var ping = PodHarness.Run("podunits", "enter", name, "--", "ping", "-c", "1", "-W", "2", "127.0.0.1");
        Assert.True(ping.Code == 0, ping.Output);
    }
}
