using System.Text.Json.Nodes;
using PodUnits.IntegrationTests.Images;
using PodUnits.IntegrationTests.Network;
using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.Definitions;

/// <summary>
/// The Kubernetes documentation's pods (tests/PodUnits.UnitTests/Definitions/corpus, copied
/// unchanged) run with `systemctl start pod@NAME`, their images pulled by their own names
/// through registries.yaml's mirrors (<see cref="CorpusRegistry"/>), and do what the
/// documentation says they do, checked the way its pages check them. Runs alone: it
/// changes the host's registries.yaml.
/// </summary>
[Collection(HostWideSettings.Name)]
public sealed class CorpusPodTests : IClassFixture<CorpusRegistry>, IDisposable
{
    private static string Corpus => Path.Combine(PodUnits.UnitTests.RepoRoot.Path, "tests/PodUnits.UnitTests/Definitions/corpus");
    private readonly string? _savedRegistries;

    public CorpusPodTests(CorpusRegistry registry)
    {
        Assert.True(File.Exists(CorpusRegistry.DebianRoot + "/.complete"), "the Debian-based test image is missing: tests/run.sh builds it");
        _savedRegistries = File.Exists(InsecureRegistryConfig.Path) ? File.ReadAllText(InsecureRegistryConfig.Path) : null;
        File.WriteAllText(InsecureRegistryConfig.Path, registry.RegistriesYaml);
    }

    public void Dispose()
    {
        if (_savedRegistries is null) File.Delete(InsecureRegistryConfig.Path);
        else File.WriteAllText(InsecureRegistryConfig.Path, _savedRegistries);
    }

    private static PodHarness Run(string file, string name)
    {
        var pod = new PodHarness(name, File.ReadAllText(Path.Combine(Corpus, file))) { KillOnDispose = true };
        pod.Start();
        return pod;
    }

    private static string Enter(string pod, params string[] command)
    {
        var result = PodHarness.Run("podunits", ["enter", pod, "--", .. command]);
        Assert.True(result.Code == 0, $"podunits enter {pod} -- {string.Join(' ', command)}: {result.Output}");
        return result.Output;
    }

    /// <summary>What <paramref name="container"/> wrote, one message per line.</summary>
    private static string[] Lines(PodHarness pod, string container) =>
        pod.Journal("-u", pod.Unit, "CONTAINER_NAME=" + container);

    [Fact]
    public void SharedVolumeTheInitContainersPageIsWhatNginxServes()
    {
        using PodHarness pod = Run("shared-volume.yaml", "shared-volume-example");
        string? page = NetworkProbe.FetchOnceListening($"http://{NetworkProbe.Ip(pod.Name)}/");
        Assert.Equal("Hello from the init container\n", page);
    }

    [Fact]
    public void LocalhostTheSidecarReachesNginxOnLocalhost()
    {
        using PodHarness pod = Run("localhost.yaml", "localhost-example");
        Assert.True(PodHarness.WaitFor(() => Lines(pod, "client").Any(l => l.Contains("<title>Welcome to nginx!</title>", StringComparison.Ordinal)), seconds: 30),
            pod.UnitJournalText());
    }

    [Fact]
    public void LifecycleEventsPostStartWritesTheMessageAndPreStopQuitsNginx()
    {
        using PodHarness pod = Run("lifecycle-events.yaml", "lifecycle-demo");
        Assert.True(PodHarness.WaitFor(() => PodHarness.Run("podunits", "enter", pod.Name, "--", "cat", "/usr/share/message").Output
            .Contains("Hello from the postStart handler", StringComparison.Ordinal)), pod.UnitJournalText());
        var stop = pod.Systemctl("stop", pod.Unit);
        Assert.True(stop.Code == 0, stop.Output);
        // preStop's `nginx -s quit` ended nginx: its container exited 0, not by a signal.
        Assert.Equal("inactive", pod.Show("ActiveState"));
        Assert.Contains(pod.Journal("-u", pod.Unit), l => l.Contains("container lifecycle-demo-container exited with", StringComparison.Ordinal)
            && l.Contains("status 0", StringComparison.Ordinal));
    }

    [Fact]
    public void SecurityContextTheUserTheFsGroupAndNoNewPrivileges()
    {
        using PodHarness pod = Run("security-context.yaml", "security-context-demo");
        string id = Enter(pod.Name, "id");
        Assert.StartsWith("uid=1000 gid=0(root) groups=", id, StringComparison.Ordinal);
        Assert.Contains("2000", id.Split("groups=")[1], StringComparison.Ordinal);
        // The emptyDir belongs to the fsGroup, setgid, so what is written there does too.
        Enter(pod.Name, "sh", "-c", "echo hello > /data/demo/testfile");
        Assert.Equal("2000\n2000\n", Enter(pod.Name, "stat", "-c", "%g", "/data/demo", "/data/demo/testfile"));
        Assert.Contains("NoNewPrivs:\t1", Enter(pod.Name, "cat", "/proc/self/status"), StringComparison.Ordinal);
    }

    [Fact]
    public void SecurityContext4AddsNetAdminAndSysTimeToTheDefaultCapabilities()
    {
        const string name = "security-context-demo-4";
        string yaml = File.ReadAllText(Path.Combine(Corpus, "security-context-4.yaml"));
        bool sysTime = (BoundingSet("/proc/1/status") & (1UL << 25)) != 0;
        if (!sysTime)
        {
            // This sandbox's systemd runs under nspawn's bounding set, which lacks
            // CAP_SYS_TIME: the start is refused, naming it, rather than run without it.
            using var refused = new PodHarness(name, yaml);
            Assert.NotEqual(0, refused.Systemctl("start", refused.Unit).Code);
            Assert.True(refused.UnitJournalHas(l => l.Contains("securityContext.capabilities.add: CAP_SYS_TIME cannot be granted", StringComparison.Ordinal)),
                refused.UnitJournalText());
            yaml = yaml.Replace("\"SYS_TIME\",", "", StringComparison.Ordinal); // the rest of the page, on this host
        }
        using var pod = new PodHarness(name, yaml) { KillOnDispose = true };
        pod.Start();
        // The container's own set: its command's, PID 1 of its PID namespace; not that of a
        // process `enter` starts, whose set comes from the caller's bounding set.
        ulong caps = Capabilities(Enter(pod.Name, "cat", "/proc/1/status"), "CapEff:");
        Assert.True((caps & (1UL << 12)) != 0, $"CAP_NET_ADMIN missing from {caps:x}");
        Assert.Equal(sysTime, (caps & (1UL << 25)) != 0);
        Assert.True((caps & (1UL << 21)) == 0, $"CAP_SYS_ADMIN present in {caps:x}");
        Assert.True((caps & (1UL << 0)) != 0, $"CAP_CHOWN, a default, missing from {caps:x}");
    }

    private static ulong BoundingSet(string statusFile) => Capabilities(File.ReadAllText(statusFile), "CapBnd:");

    private static ulong Capabilities(string status, string field) =>
        Convert.ToUInt64(status.Split('\n').Single(l => l.StartsWith(field, StringComparison.Ordinal))[field.Length..].Trim(), 16);

    [Fact]
    public void EnvarsTheContainerSeesItsEnvironment()
    {
        using PodHarness pod = Run("envars.yaml", "envar-demo");
        Assert.Equal("Hello from the environment\nSuch a sweet sorrow\n", Enter(pod.Name, "printenv", "DEMO_GREETING", "DEMO_FAREWELL"));
        // Pulled through the gcr.io mirror, stored under its own name.
        Assert.Contains("gcr.io/google-samples/hello-app:2.0", PodHarness.Run("podunits", "image", "list").Output, StringComparison.Ordinal);
    }

    [Fact]
    public void DapiEnvarsTheDownwardApiFillsTheEnvironment()
    {
        using PodHarness pod = Run("dapi-envars-pod.yaml", "dapi-envars-fieldref");
        string ip = NetworkProbe.Ip(pod.Name);
        Assert.True(PodHarness.WaitFor(() =>
        {
            string[] lines = Lines(pod, "test-container");
            return lines.Contains("dapi-envars-fieldref") && lines.Contains("default") && lines.Contains(ip);
        }, seconds: 30), pod.UnitJournalText());
    }

    [Fact]
    public void CommandsTheCommandAndArgumentsRunAsGiven()
    {
        // printenv HOSTNAME KUBERNETES_PORT: no API server, so no KUBERNETES_* variables
        // (docs/definitions.md); printenv prints the hostname and fails, and OnFailure restarts it.
        using PodHarness pod = Run("commands.yaml", "command-demo");
        Assert.True(PodHarness.WaitFor(() => Lines(pod, "command-demo-container").Contains("command-demo"), seconds: 30),
            pod.UnitJournalText());
    }

    [Fact]
    public void PodWithTolerationRunsNginxTheTolerationHasNoNodeToApplyTo()
    {
        using PodHarness pod = Run("pod-with-toleration.yaml", "nginx");
        string? page = NetworkProbe.FetchOnceListening($"http://{NetworkProbe.Ip(pod.Name)}/");
        Assert.Contains("<title>Welcome to nginx!</title>", page ?? pod.UnitJournalText(), StringComparison.Ordinal);
    }

    [Fact]
    public void TcpLivenessReadinessTheStartWaitsForTheReadinessProbe()
    {
        // readinessProbe: tcpSocket 8080 after 15 s. READY (and so `systemctl start`) waits
        // for it: the container is ready the moment the start returns.
        using PodHarness pod = Run("tcp-liveness-readiness.yaml", "goproxy");
        JsonNode health = PodHarness.ContainerHealth(pod.Name, "goproxy")!;
        Assert.True(health["ready"]!.GetValue<bool>(), health.ToJsonString());
        Assert.Equal(0, health["restarts"]!.GetValue<int>());
    }

    [Fact]
    public void ExecLivenessTheContainerIsRestartedOnceTheFileIsGone()
    {
        // Healthy for 30 s, then `cat /tmp/healthy` fails three times, 5 s apart: the kubelet's
        // kill and restart, as the page's events show.
        using PodHarness pod = Run("exec-liveness.yaml", "liveness-exec");
        Assert.True(PodHarness.WaitFor(() => PodHarness.ContainerHealth(pod.Name, "liveness")?["restarts"]?.GetValue<int>() >= 1, seconds: 120),
            pod.UnitJournalText());
        Assert.Contains(pod.Journal("-u", pod.Unit), l => l.Contains("liveness probe failed", StringComparison.Ordinal));
        Assert.Equal("active", pod.Show("ActiveState"));
    }
}
