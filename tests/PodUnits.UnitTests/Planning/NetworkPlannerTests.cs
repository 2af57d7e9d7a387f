using PodUnits.Core.Errors;
using PodUnits.Definitions;
using PodUnits.Planning.Network;
using PodUnits.Runtime.Network;
using PodUnits.Runtime.Network.Cni;
using PodUnits.Runtime.Plan;
using PodUnits.UnitTests.Network;

namespace PodUnits.UnitTests.Planning;

/// <summary>NetworkPlanner: the network a pod joins and the ports it publishes, checked at
/// plan time against temporary configuration and plugin directories.</summary>
public sealed class NetworkPlannerTests : IDisposable
{
    private const string MachineId = "00112233445566778899aabbccddeeff";
    private const string Source = "/etc/podunits/pods/web.yaml";

    private readonly TempDir _dir = new();
    private readonly string _netd, _plugins;
    private readonly CniRuntime _cni;

    public NetworkPlannerTests()
    {
        _netd = _dir.Dir("net.d");
        _plugins = _dir.Dir("plugins");
        _cni = new CniRuntime([_plugins], new CniCache(System.IO.Path.Join(_dir.Path, "cache")));
        foreach (string plugin in new[] { "bridge", "host-local", "portmap", "loopback" })
        {
            string path = _dir.Write($"plugins/{plugin}", "");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>A conflist of these plugin types; portmap declares portMappings, as the real ones do.</summary>
    private string Conflist(string file, string name, params string[] plugins) => _dir.Write($"net.d/{file}",
        $$"""{"name": "{{name}}", "cniVersion": "1.0.0", "plugins": [{{string.Join(", ", plugins.Select(Plugin))}}]}""");

    private static string Plugin(string type) => type == "portmap"
        ? """{"type": "portmap", "capabilities": {"portMappings": true}}""" : $$"""{"type": "{{type}}"}""";

    /// <summary>A pod named web; <paramref name="network"/> is the podunits.io/network annotation
    /// (line 6, the key at column 5), <paramref name="spec"/> the lines after "spec:".</summary>
    private static PodDefinition Pod(string? network = null, string spec = "") => PodDefinitionLoader.LoadText($"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
          annotations:
            {(network is null ? "podunits.io/description: no network annotation" : $"podunits.io/network: {network}")}
        spec:
        {spec}
          containers:
          - name: app
            image: busybox
        """, Source).GetPodOrThrow();

    private NetworkPlan? Plan(PodDefinition pod) => NetworkPlanner.Plan(pod, MachineId, [_netd], _cni);

    [Fact]
    public void HostNetworkPodsHaveNoNetworkPlan()
    {
        // Not even the default network's configuration is needed.
        Assert.Null(NetworkPlanner.Plan(Pod(spec: "  hostNetwork: true"), MachineId, [System.IO.Path.Join(_dir.Path, "none")], _cni));
    }

    [Fact]
    public void WithoutTheAnnotationThePodJoinsThePodunitsNetwork()
    {
        Conflist("10-lab.conflist", "lab", "bridge");
        string path = Conflist("podunits.conflist", "podunits", "bridge", "portmap");
        NetworkPlan plan = Plan(Pod())!;
        Assert.Equal("podunits", plan.Name);
        Assert.Equal(path, plan.ConfigPath);
        Assert.Equal(File.ReadAllText(path), plan.ConfigText);
        Assert.Matches($"^{MachineId}-[0-9a-f]{{8}}$", plan.ContainerId);
        Assert.Empty(plan.PortMappings);
    }

    [Fact]
    public void EachRunHasAContainerIdOfItsOwn()
    {
        // An attachment of a crashed run must not share the next run's cache entry and lease.
        Conflist("podunits.conflist", "podunits", "bridge");
        Assert.NotEqual(Plan(Pod())!.ContainerId, Plan(Pod())!.ContainerId);
    }

    [Fact]
    public void TheAnnotationChoosesTheNetwork()
    {
        Conflist("podunits.conflist", "podunits", "bridge");
        string path = Conflist("50-isolated.conflist", "lab", "bridge", "host-local");
        NetworkPlan plan = Plan(Pod("lab"))!;
        Assert.Equal("lab", plan.Name);
        Assert.Equal(path, plan.ConfigPath);
    }

    [Fact]
    public void AnUnknownAnnotatedNetworkIsAnErrorAtTheAnnotation()
    {
        Conflist("podunits.conflist", "podunits", "bridge");
        BadInputException e = Assert.Throws<BadInputException>(() => Plan(Pod("lab")));
        Assert.Equal($"{Source}:6:5: metadata.annotations.podunits.io/network: network lab: no network configuration of that name (a .conflist with \"name\": \"lab\") in {_netd}", e.Message);
        Assert.Equal(ExitCodes.BadInput, e.ExitCode);
    }

    [Fact]
    public void AMissingDefaultNetworkNamesThePodAndThePackage()
    {
        Conflist("lab.conflist", "lab", "bridge");
        BadInputException e = Assert.Throws<BadInputException>(() => Plan(Pod()));
        Assert.Equal($"pod web: no network configuration of that name (a .conflist with \"name\": \"podunits\") in {_netd}" +
            " (the default network; is the podunits package's /usr/lib/podunits/net.d there?)", e.Message);
    }

    [Fact]
    public void AMissingPluginIsAnErrorNamingThePluginAndTheFile()
    {
        string path = Conflist("lab.conflist", "lab", "bridge", "tuning", "portmap", "tuning", "firewall");
        BadInputException e = Assert.Throws<BadInputException>(() => Plan(Pod("lab")));
        Assert.Equal($"{Source}:6:5: metadata.annotations.podunits.io/network: network lab ({path}) needs the CNI plugins tuning, firewall, not found in {_plugins}" +
            " (Debian: apt-get install containernetworking-plugins)", e.Message);
        Assert.Equal(ExitCodes.BadInput, e.ExitCode);
    }

    [Fact]
    public void AMissingPluginOfTheDefaultNetworkNamesThePod()
    {
        string path = Conflist("podunits.conflist", "podunits", "macvlan");
        BadInputException e = Assert.Throws<BadInputException>(() => Plan(Pod()));
        Assert.Equal($"pod web: network podunits ({path}) needs the CNI plugin macvlan, not found in {_plugins}" +
            " (Debian: apt-get install containernetworking-plugins)", e.Message);
    }

    [Fact]
    public void AnInvalidConfigurationOfTheChosenNetworkNamesItsFile()
    {
        string path = _dir.Write("net.d/lab.conflist", """{"name": "lab", "cniVersion": "0.2.0", "plugins": [{"type": "bridge"}]}""");
        BadInputException e = Assert.Throws<BadInputException>(() => Plan(Pod("lab")));
        // Which file is wrong is the one thing the administrator needs to fix it.
        Assert.Equal($"{Source}:6:5: metadata.annotations.podunits.io/network: {path}: cniVersion \"0.2.0\" is not supported (PodUnits speaks 0.3.0, 0.3.1, 0.4.0, 1.0.0)", e.Message);
        Assert.Equal(ExitCodes.BadInput, e.ExitCode);
    }

    [Fact]
    public void AJsonErrorInTheChosenNetworkGivesTheFilesPosition()
    {
        string path = _dir.Write("net.d/podunits.conflist", "{\n  \"name\": \"podunits\",\n  \"plugins\": [}\n");
        BadInputException e = Assert.Throws<BadInputException>(() => Plan(Pod()));
        Assert.StartsWith($"pod web: {path}:3:", e.Message, StringComparison.Ordinal);
        Assert.Contains(": not valid JSON: ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("(the default network;", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PortMappingsComeFromEveryContainersHostPorts()
    {
        Conflist("podunits.conflist", "podunits", "bridge", "portmap");
        PodDefinition pod = PodDefinitionLoader.LoadText("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              initContainers:
              - name: setup
                image: busybox
                ports:
                - {containerPort: 81, hostPort: 8081, protocol: SCTP}
              containers:
              - name: app
                image: busybox
                ports:
                - {containerPort: 80, hostPort: 8080}
                - {containerPort: 9000}
                - {containerPort: 53, protocol: UDP, hostPort: 5353, hostIP: 127.0.0.1}
              - name: side
                image: busybox
                ports:
                - {containerPort: 443, hostPort: 8443, hostIP: "::1", name: https}
            """, Source).GetPodOrThrow();
        NetworkPlan plan = Plan(pod)!;
        Assert.Equal(
            [
                (8081, 81, "sctp", ""),
                (8080, 80, "tcp", ""),
                (5353, 53, "udp", "127.0.0.1"),
                (8443, 443, "tcp", "::1"),
            ],
            plan.PortMappings.Select(p => (p.HostPort, p.ContainerPort, p.Protocol, p.HostIP)));
        Assert.Equal(["8081/sctp", "8080/tcp", "127.0.0.1:5353/udp", "[::1]:8443/tcp"], plan.PortMappings.Select(p => p.ToString()));
    }

    [Fact]
    public void AHostPortOnANetworkThatCannotPublishItIsAnError()
    {
        // macvlan and friends have no portmap: the port would be shown as published and never be.
        string path = Conflist("lab.conflist", "lab", "bridge", "host-local");
        PodDefinition pod = PodDefinitionLoader.LoadText("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
              annotations: {podunits.io/network: lab}
            spec:
              containers:
              - {name: app, image: busybox, ports: [{containerPort: 80, hostPort: 8080}]}
            """, Source).GetPodOrThrow();
        BadInputException e = Assert.Throws<BadInputException>(() => Plan(pod));
        Assert.Equal($"{Source}:5:17: metadata.annotations.podunits.io/network: network lab ({path}) has no plugin with the portMappings capability, so hostPort 8080 cannot be " +
            "published on it; add {\"type\": \"portmap\", \"capabilities\": {\"portMappings\": true}} to its plugins, or use hostNetwork", e.Message);
        Assert.Equal(ExitCodes.BadInput, e.ExitCode);
        // Without a hostPort the same network is fine.
        Assert.Equal("lab", Plan(Pod("lab"))!.Name);
    }

    [Fact]
    public void PluginsAreLookedUpInEveryPluginDirectory()
    {
        string more = _dir.Dir("more-plugins");
        _dir.Write("more-plugins/macvlan", "");
        Conflist("podunits.conflist", "podunits", "loopback", "macvlan");
        var cni = new CniRuntime([System.IO.Path.Join(_dir.Path, "absent"), _plugins, more], _cni.Cache);
        Assert.Equal("podunits", NetworkPlanner.Plan(Pod(), MachineId, [_netd], cni)!.Name);
        Assert.Equal(["macvlan"], _cni.MissingPlugins(CniConfigList.Parse("x", File.ReadAllText(System.IO.Path.Join(_netd, "podunits.conflist")))));
    }

    [Fact]
    public void AMissingIpamPluginIsNamedWithThePluginThatExecsIt()
    {
        // bridge execs its ipam.type itself: without this check the start got past stage 0
        // and failed in the plugin's ADD, exit 1, retried with back-off forever.
        string path = _dir.Write("net.d/lab.conflist", """
            {"name": "lab", "cniVersion": "1.0.0", "plugins": [
              {"type": "bridge", "ipam": {"type": "dhcp"}},
              {"type": "portmap", "capabilities": {"portMappings": true}}]}
            """);
        BadInputException e = Assert.Throws<BadInputException>(() => Plan(Pod("lab")));
        Assert.Equal($"{Source}:6:5: metadata.annotations.podunits.io/network: network lab ({path}) needs the CNI plugin dhcp (the ipam of bridge), not found in {_plugins}" +
            " (Debian: apt-get install containernetworking-plugins)", e.Message);
        Assert.Equal(ExitCodes.BadInput, e.ExitCode);
    }

    private PodDefinition PublishedOn(string network, string ranges, string hostIP)
    {
        _dir.Write($"net.d/{network}.conflist", $$$"""
            {"name": "{{{network}}}", "cniVersion": "1.0.0", "plugins": [
              {"type": "bridge", "ipam": {"type": "host-local", "ranges": {{{ranges}}}}},
              {"type": "portmap", "capabilities": {"portMappings": true}}]}
            """);
        return PodDefinitionLoader.LoadText($$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
              annotations: {podunits.io/network: {{network}}}
            spec:
              containers:
              - {name: app, image: busybox, ports: [{containerPort: 80, hostPort: 8080, hostIP: "{{hostIP}}"}]}
            """, Source).GetPodOrThrow();
    }

    [Theory]
    [InlineData("::1", "IPv6")]
    [InlineData("::", "IPv6")]
    public void AHostIPOfAFamilyThePodHasNoAddressInIsAnError(string hostIP, string family)
    {
        // Published, the port's reservation would take connections that nothing answers.
        PodDefinition pod = PublishedOn("lab", """[[{"subnet": "10.122.0.0/24"}]]""", hostIP);
        BadInputException e = Assert.Throws<BadInputException>(() => Plan(pod));
        Assert.Equal($"{Source}:5:17: metadata.annotations.podunits.io/network: hostIP {hostIP} is an {family} address, but network lab ({_netd}/lab.conflist) gives the pod no {family} address " +
            $"(its ipam ranges); publish the port on an address of the pod's family, or add an {family} range to the network", e.Message);
        Assert.Equal(ExitCodes.BadInput, e.ExitCode);
        // And the other way round, on a network of IPv6 addresses only.
        Assert.Throws<BadInputException>(() => Plan(PublishedOn("six", """[[{"subnet": "fd66::/64"}]]""", "127.0.0.1")));
    }

    [Theory]
    [InlineData("""[[{"subnet": "10.122.0.0/24"}], [{"subnet": "fd66::/64"}]]""", "::1")]
    [InlineData("""[[{"subnet": "10.122.0.0/24"}]]""", "127.0.0.1")]
    [InlineData("""[[{"subnet": "10.122.0.0/24"}]]""", "0.0.0.0")]
    public void AHostIPOfAFamilyThePodHasAnAddressInIsPublished(string ranges, string hostIP)
    {
        Assert.Equal(hostIP, Assert.Single(Plan(PublishedOn("lab", ranges, hostIP))!.PortMappings).HostIP);
    }
}
