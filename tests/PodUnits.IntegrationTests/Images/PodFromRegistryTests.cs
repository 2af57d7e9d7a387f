using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.Images;

/// <summary>
/// A pod runs an image fetched from a real registry, end to end through systemctl: the
/// executor pulls it (imagePullPolicy), mounts its three layers as the overlay's lower dirs
/// (a file of layer 2 visible, a file layer 2 whites out gone, layer 3's data there), pins it
/// against `image rm` while the pod runs and unpins it when the pod ends.
/// </summary>
public sealed class PodFromRegistryTests : IClassFixture<RegistryFixture>, IDisposable
{
    private readonly RegistryFixture _registry;
    private readonly InsecureRegistryConfig _registries;

    public PodFromRegistryTests(RegistryFixture registry)
    {
        _registry = registry;
        _registries = new InsecureRegistryConfig(registry.Host);
    }

    public void Dispose() => _registries.Dispose();

    private static string Pod(string name, string image, string policy, string command) => $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {{name}}
        spec:
          terminationGracePeriodSeconds: 2
          restartPolicy: Never
          containers:
            - name: app
              image: {{image}}
              imagePullPolicy: {{policy}}
              command: ["sh", "-c", "{{command}}"]
        """;

    [Fact]
    public async Task PodRunsAFetchedMultiLayerImageWhichIsPinnedWhileItRuns()
    {
        await _registry.PushBusyboxAsync("test/podimg:1", marker: "layer two of podimg\n");
        string image = $"{_registry.Host}/test/podimg:1";
        using var pod = new PodHarness("img-pod", Pod("img-pod", image, "Always",
            "cat /etc/hello; test -e /etc/old || echo old-is-whited-out; ls /data; echo up; sleep 1000"));

        var start = pod.Systemctl("start", pod.Unit);
        Assert.True(start.Code == 0, start.Output + string.Join('\n', pod.Journal("-u", pod.Unit)));
        Assert.True(PodHarness.WaitFor(() => pod.Journal("-u", pod.Unit).Contains("up")), string.Join('\n', pod.Journal("-u", pod.Unit)));
        string[] lines = pod.Journal("-u", pod.Unit, "CONTAINER_NAME=app");
        Assert.Contains("layer two of podimg", lines);
        Assert.Contains("old-is-whited-out", lines);
        Assert.Contains("random.bin", lines);

        var refused = PodHarness.Run("/usr/bin/podunits", "image", "rm", image);
        Assert.NotEqual(0, refused.Code);
        Assert.Contains("in use by pod img-pod", refused.Output, StringComparison.Ordinal);

        Assert.Equal(0, pod.Systemctl("stop", pod.Unit).Code);
        Assert.False(File.Exists("/var/lib/podunits/pods/img-pod/images"), "the pin outlived the pod");
        var removed = PodHarness.Run("/usr/bin/podunits", "image", "rm", image);
        Assert.True(removed.Code == 0, removed.Output);
        // The stopped pod still names it: said, since its next start must fetch it (tour G).
        Assert.Contains($"image {image}: pod img-pod names it; their next start fetches it again", removed.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IfNotPresentPullsOnceThenRunsTheStoredCopy()
    {
        await _registry.PushBusyboxAsync("test/ifnp:1", marker: "first push\n");
        string image = $"{_registry.Host}/test/ifnp:1";
        using var pod = new PodHarness("img-ifnp", Pod("img-ifnp", image, "IfNotPresent", "cat /etc/hello"));
        pod.Systemctl("start", pod.Unit);
        Assert.True(PodHarness.WaitFor(() => pod.Journal("-u", pod.Unit).Contains("first push")));
        pod.Systemctl("stop", pod.Unit);

        // A new image under the same tag: IfNotPresent keeps running the stored one.
        await _registry.PushBusyboxAsync("test/ifnp:1", marker: "second push\n");
        pod.Systemctl("reset-failed", pod.Unit);
        pod.Systemctl("start", pod.Unit);
        Assert.True(PodHarness.WaitFor(() => pod.Journal("-u", pod.Unit).Count(l => l == "first push") == 2),
            string.Join('\n', pod.Journal("-u", pod.Unit)));
        Assert.DoesNotContain("second push", pod.Journal("-u", pod.Unit));
    }

    [Fact]
    public async Task AlwaysWithAnUnreachableRegistryRunsTheStoredCopyWithAWarning()
    {
        // Stored under a registry that refuses connections (a free loopback port): the
        // documented deviation from the kubelet, so boot-time pods do not need the registry.
        string layout = await _registry.PushBusyboxAsync("test/offline:1", marker: "stored copy\n");
        string image = $"127.0.0.1:{RegistryFixture.FreePort()}/test/offline:1";
        var imported = PodHarness.Run("/usr/bin/podunits", "image", "import", layout, "--name", image);
        Assert.True(imported.Code == 0, imported.Output);
        using var pod = new PodHarness("img-offline", Pod("img-offline", image, "Always", "cat /etc/hello; echo up; sleep 1000"));
        try
        {
            var start = pod.Systemctl("start", pod.Unit);
            Assert.True(start.Code == 0, start.Output + string.Join('\n', pod.Journal("-u", pod.Unit)));
            Assert.True(PodHarness.WaitFor(() => pod.Journal("-u", pod.Unit).Contains("up")), string.Join('\n', pod.Journal("-u", pod.Unit)));
            Assert.Contains("stored copy", pod.Journal("-u", pod.Unit, "CONTAINER_NAME=app"));
            Assert.Contains(pod.Journal("-u", pod.Unit), l => l.Contains(
                $"image {image}: cannot reach registry 127.0.0.1:", StringComparison.Ordinal) && l.Contains("running the local copy sha256:", StringComparison.Ordinal));
            // A warning of stage 0, with the pod's name and where it was written.
            Assert.Contains(pod.Journal("-u", pod.Unit, "PRIORITY=4", "POD_NAME=img-offline", "CODE_FILE=src/PodUnits.Planning/Plan/ContainerImages.cs"),
                l => l.Contains(": cannot reach registry 127.0.0.1:", StringComparison.Ordinal));
        }
        finally
        {
            pod.Systemctl("stop", pod.Unit);
            PodHarness.Run("/usr/bin/podunits", "image", "rm", image);
        }
    }

    [Fact]
    public async Task AnAdHocRunPullsWithBarsOnATerminalAndPlainLinesOnAPipe()
    {
        // Here rather than in a class of its own: the registry's host must be in the one
        // /etc/podunits/registries.yaml this class writes.
        await _registry.PushBusyboxAsync("test/adhoc-tty:1");
        await _registry.PushBusyboxAsync("test/adhoc-pipe:1");
        string onTerminal = $"docker://{_registry.Host}/test/adhoc-tty:1", onPipe = $"docker://{_registry.Host}/test/adhoc-pipe:1";
        try
        {
            using (var terminal = new ScriptTerminal($"/usr/bin/podunits run -it {onTerminal} -- sh -c 'echo pulled-$((1+1))'"))
            {
                Assert.True(terminal.WaitFor("pulled-2"), terminal.Screen);
                Assert.Equal(0, terminal.WaitForExit());
                Assert.Contains("\u001b[2K", terminal.Screen, StringComparison.Ordinal); // bars redrawn in place
            }
            var piped = PodHarness.Run("/usr/bin/podunits", "run", "-i", onPipe, "--", "sh", "-c", "echo pulled-$((1+2))");
            Assert.True(piped.Code == 0, piped.Output);
            Assert.Contains("pulled-3", piped.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("\u001b[", piped.Output, StringComparison.Ordinal); // no terminal codes in a log
        }
        finally
        {
            PodHarness.Run("/usr/bin/podunits", "image", "rm", onTerminal);
            PodHarness.Run("/usr/bin/podunits", "image", "rm", onPipe);
        }
    }

    [Fact]
    public void AlwaysWithAnUnreachableRegistryAndNoStoredCopyFailsCleanly()
    {
        string image = $"127.0.0.1:{RegistryFixture.FreePort()}/test/nowhere:1";
        using var pod = new PodHarness("img-nowhere", Pod("img-nowhere", image, "Always", "echo must-not-run"));
        Assert.NotEqual(0, pod.Systemctl("start", pod.Unit).Code);
        Assert.Equal("failed", pod.Show("ActiveState"));
        Assert.Equal("1", pod.Show("ExecMainStatus"));
        Assert.True(pod.UnitJournalHas(l => l.Contains(
            $"image {image}: cannot reach registry 127.0.0.1:", StringComparison.Ordinal) && l.Contains("the image store has no copy", StringComparison.Ordinal)),
            pod.UnitJournalText());
        Assert.DoesNotContain("must-not-run", pod.Journal("-u", pod.Unit));
        // systemctl status's line says why, not "resolving image ..." (the step it failed in).
        string status = pod.Show("StatusText");
        Assert.True(status.StartsWith("failed: ", StringComparison.Ordinal) && status.Contains($"image {image}: cannot reach registry", StringComparison.Ordinal), status);
        Assert.False(Directory.Exists("/run/podunits/state/img-nowhere"));
        Assert.False(File.Exists("/var/lib/podunits/pods/img-nowhere/images"));
    }

    [Fact]
    public void NeverWithAMissingImageFailsCleanly()
    {
        string image = $"{_registry.Host}/test/absent:1";
        using var pod = new PodHarness("img-never", Pod("img-never", image, "Never", "echo must-not-run"));
        var start = pod.Systemctl("start", pod.Unit);
        Assert.NotEqual(0, start.Code);
        Assert.Equal("failed", pod.Show("ActiveState"));
        Assert.Equal("2", pod.Show("ExecMainStatus"));
        Assert.True(pod.UnitJournalHas(l => l.Contains(
            $"container app: image {image}: is not in the image store and imagePullPolicy is Never", StringComparison.Ordinal)), pod.UnitJournalText());
        Assert.False(PodHarness.MachineRegistered("img-never"), "machine left registered");
        Assert.False(Directory.Exists("/run/podunits/state/img-never"));
        Assert.False(File.Exists("/var/lib/podunits/pods/img-never/images"));
        Assert.NotEqual("active", pod.Show("ActiveState", "podunits-img\\x2dnever-app.scope"));
    }
}
