using PodUnits.Definitions;
using PodUnits.Definitions.Parsing;

namespace PodUnits.UnitTests.Definitions;

/// <summary>podunits.io/notify, listen and listen-container (docs/activation.md).</summary>
public sealed class ActivationAnnotationTests
{
    /// <summary>The annotations start on line 6, column 5.</summary>
    private static string Pod(string annotations, string containers = "  - {name: web, image: busybox}") => $"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: x
          annotations:
        {annotations}
        spec:
          initContainers:
          - {"{"}name: setup, image: busybox{"}"}
          containers:
        {containers}
        """;

    private const string TwoContainers = "  - {name: web, image: busybox}\n  - {name: db, image: busybox}";

    [Fact]
    public void NotifyNamesAContainer()
    {
        PodDefinition pod = PodDefinitionLoader.LoadText(Pod("    podunits.io/notify: web"), "x.yaml").GetPodOrThrow();
        Assert.Equal("web", pod.Activation.NotifyContainer);
        Assert.Null(pod.Activation.ListenContainer);
        Assert.Empty(pod.Activation.Listen);
    }

    [Fact]
    public void WithoutAnnotationsThereIsNoActivation() =>
        Assert.Same(PodActivation.None, PodDefinitionLoader.LoadText(Pod("    podunits.io/description: d"), "x.yaml").GetPodOrThrow().Activation);

    [Theory]
    [InlineData("podunits.io/notify: wbe", "metadata.annotations.podunits.io/notify: no container \"wbe\" in spec.containers; did you mean \"web\"?")]
    [InlineData("podunits.io/notify: setup", "metadata.annotations.podunits.io/notify: \"setup\" is an init container; it must name one of spec.containers")]
    [InlineData("podunits.io/listen-container: nope", "metadata.annotations.podunits.io/listen-container: no container \"nope\" in spec.containers")]
    public void AnUnknownContainerIsAnErrorAtTheAnnotation(string annotation, string message) =>
        Assert.Equal([$"x.yaml:6:5: error: {message}"], DefinitionErrorTests.Diagnose(Pod("    " + annotation)));

    [Fact]
    public void ListenGoesToTheOnlyContainer()
    {
        PodDefinition pod = PodDefinitionLoader.LoadText(Pod("    podunits.io/listen: \"tcp:80, udp:[::1]:53, unix:/run/web/web.sock\""), "x.yaml")
            .GetPodOrThrow();
        Assert.Equal("web", pod.Activation.ListenContainer);
        Assert.Equal([new("ListenStream", "80"), new("ListenDatagram", "[::1]:53"), new("ListenStream", "/run/web/web.sock")],
            pod.Activation.Listen);
    }

    [Fact]
    public void ListenInAPodOfSeveralContainersNeedsListenContainer()
    {
        Assert.Equal(["x.yaml:6:5: error: metadata.annotations.podunits.io/listen: the pod has 2 containers; name the one that gets the sockets with podunits.io/listen-container"],
            DefinitionErrorTests.Diagnose(Pod("    podunits.io/listen: tcp:80", TwoContainers)));
        PodDefinition pod = PodDefinitionLoader.LoadText(Pod("    podunits.io/listen: tcp:80\n    podunits.io/listen-container: db", TwoContainers), "x.yaml")
            .GetPodOrThrow();
        Assert.Equal("db", pod.Activation.ListenContainer);
    }

    [Theory]
    [InlineData("tcp:18406", "")]
    [InlineData("tcp:127.0.0.1:18406", "")]
    [InlineData("tcp:127.0.0.1:18406", ", hostIP: 127.0.0.1")]
    [InlineData("tcp:0.0.0.0:18406", ", hostIP: 127.0.0.1")] // a wildcard socket holds every address (review of 2026-12-05)
    [InlineData("tcp:[::]:18406", ", hostIP: 127.0.0.1")] // BindIPv6Only=both: IPv4's too
    public void AListeningPortThePodAlsoPublishesIsAnError(string listen, string hostIP) =>
        Assert.Equal([$"x.yaml:6:5: error: metadata.annotations.podunits.io/listen: tcp port 18406 is also container web's hostPort: " +
            "the socket already holds it, so the pod could never publish it; remove one of the two"],
            DefinitionErrorTests.Diagnose(Pod($"    podunits.io/listen: \"{listen}\"",
                $"  - {{name: web, image: busybox, ports: [{{containerPort: 80, hostPort: 18406{hostIP}}}]}}")));

    /// <summary>Activation review of 2026-12-06, finding 4: a sidecar's hostPort is published
    /// too, and was not compared: every start failed on the pod's own socket.</summary>
    [Fact]
    public void ASidecarPublishingTheListenedPortIsAnErrorToo() =>
        Assert.Equal(["x.yaml:6:5: error: metadata.annotations.podunits.io/listen: tcp port 18406 is also container proxy's hostPort: " +
            "the socket already holds it, so the pod could never publish it; remove one of the two"],
            DefinitionErrorTests.Diagnose("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: x
                  annotations:
                    podunits.io/listen: "tcp:18406"
                spec:
                  initContainers:
                  - {name: proxy, image: busybox, restartPolicy: Always, ports: [{containerPort: 80, hostPort: 18406}]}
                  containers:
                  - {name: web, image: busybox}
                """));

    [Theory]
    [InlineData("udp:18406", "")]
    [InlineData("tcp:127.0.0.1:18406", ", hostIP: 10.0.0.1")]
    [InlineData("tcp:18407", "")]
    public void AListeningPortOnAnotherProtocolAddressOrNumberIsFine(string listen, string hostIP) =>
        Assert.Empty(DefinitionErrorTests.Diagnose(Pod($"    podunits.io/listen: \"{listen}\"",
            $"  - {{name: web, image: busybox, ports: [{{containerPort: 80, hostPort: 18406{hostIP}}}]}}")));

    [Theory]
    [InlineData("tcp:8080", "ListenStream", "8080")]
    [InlineData("tcp:0.0.0.0:443", "ListenStream", "0.0.0.0:443")]
    [InlineData("tcp:[::]:9090", "ListenStream", "[::]:9090")]
    [InlineData("udp:127.0.0.1:53", "ListenDatagram", "127.0.0.1:53")]
    [InlineData("unix:/run/app/api.sock", "ListenStream", "/run/app/api.sock")]
    public void AddressesInTheUnitsForm(string text, string setting, string address) =>
        Assert.Equal(new ListenAddress(setting, address), ActivationAnnotations.Parse(text, out _));

    [Theory]
    [InlineData("tcp:0")]
    [InlineData("tcp:65536")]
    [InlineData("tcp:010")] // systemd's strtoul base 0: port 8 (review of 2026-12-06)
    [InlineData("tcp:127.0.0.1:0808")] // no port at all to systemd
    [InlineData("tcp:localhost:80")]
    [InlineData("tcp:1.2:80")]
    [InlineData("tcp:127.0.0.01:80")] // systemd's inet_pton refuses a leading zero; .NET read it as octal
    [InlineData("tcp:[fe80::1%eth0]:80")]
    [InlineData("tcp:::1:80")]
    [InlineData("tcp:%i")]
    [InlineData("sctp:80")]
    [InlineData("80")]
    [InlineData("")]
    [InlineData("unix:run/x.sock")]
    [InlineData("unix:/run/../etc/x")]
    [InlineData("unix:/run/a b")]
    [InlineData("unix:/run/%n")]
    [InlineData("unix:/run/x\nExecStartPre=/bin/evil")]
    public void WhatCouldEscapeTheUnitFileIsRefused(string text)
    {
        Assert.Null(ActivationAnnotations.Parse(text, out string? why));
        Assert.NotNull(why);
    }

    /// <summary>Review of 2026-12-05: systemd unlinks whatever is at a socket's path when its
    /// bind finds it taken, so unix:/run/dbus/system_bus_socket replaced the system bus at the
    /// next boot. A pod's socket lives in /run, outside the host's own directories.</summary>
    [Theory]
    [InlineData("unix:/etc/passwd", "must be in /run")]
    [InlineData("unix:/var/run/app.sock", "must be in /run")]
    [InlineData("unix:/run/dbus/system_bus_socket", "/run/dbus is the host's own")]
    [InlineData("unix:/run/systemd/journal/socket", "/run/systemd is the host's own")]
    [InlineData("unix:/run/podunits/state/x.sock", "/run/podunits is the host's own")]
    [InlineData("unix:/run/xtables.lock", "in a directory of its own in /run")]
    [InlineData("unix:/run/libvirt/libvirt-sock", "/run/libvirt is the host's own")]
    public void ASocketPathOfTheHostsOwnIsRefused(string text, string why)
    {
        Assert.Null(ActivationAnnotations.Parse(text, out string? problem));
        Assert.Contains(why, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void ABadAddressIsAnErrorNamingIt() =>
        Assert.Equal(["x.yaml:6:5: error: metadata.annotations.podunits.io/listen: \"tcp:localhost:80\" is not tcp:PORT, tcp:IPV4:PORT or tcp:[IPV6]:PORT (ports 1-65535 without a leading zero, IP literals only)"],
            DefinitionErrorTests.Diagnose(Pod("    podunits.io/listen: \"tcp:80, tcp:localhost:80\"")));

    /// <summary>Generator review of 2026-12-06, finding 2: addresses the socket unit could
    /// never both bind are refused where they are written, not at every start of the socket.</summary>
    [Theory]
    [InlineData("tcp:8080, tcp:127.0.0.1:8080", "\"tcp:8080\" listens on every IPv6 and IPv4 address of port 8080 already")]
    [InlineData("tcp:[::1]:8080, tcp:8080", "\"tcp:8080\" listens on every IPv6 and IPv4 address of port 8080 already, so the socket could never bind \"tcp:[::1]:8080\" too")]
    [InlineData("tcp:[::]:8080, tcp:0.0.0.0:8080", "\"tcp:[::]:8080\" listens on every IPv6 and IPv4 address")]
    [InlineData("tcp:0.0.0.0:8080, tcp:10.0.0.1:8080", "\"tcp:0.0.0.0:8080\" listens on every IPv4 address of port 8080 already")]
    public void StreamAddressesThatOverlapAreRefused(string text, string why)
    {
        Assert.Null(ActivationAnnotations.ParseAll(text, out string? problem));
        Assert.Contains(why, problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tcp:0.0.0.0:8080, tcp:[::1]:8080")] // two families
    [InlineData("tcp:127.0.0.1:8080, tcp:10.0.0.1:8080")]
    [InlineData("tcp:8080, tcp:8081, udp:8080")]
    [InlineData("udp:8080, udp:127.0.0.1:8080")] // datagram sockets may share a port
    public void AddressesThatCanAllBeBoundAreKept(string text) =>
        Assert.NotNull(ActivationAnnotations.ParseAll(text, out _));

    [Fact]
    public void ARepeatedAddressIsRefused()
    {
        Assert.Null(ActivationAnnotations.ParseAll("tcp:80, tcp:80", out string? why));
        Assert.Equal("\"tcp:80\" is listed twice", why);
    }
}
