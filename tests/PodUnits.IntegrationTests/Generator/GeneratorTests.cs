using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.Generator;

/// <summary>The installed generator, run by the sandbox's real systemd on daemon-reload:
/// the definition's settings reach pod@NAME.service, autostart pods are wanted by
/// multi-user.target, a bad definition is reported without stopping the others, and the
/// generated units pass systemd-analyze verify.</summary>
[Collection("pods")]
public sealed class GeneratorTests
{
    [Fact]
    public void DaemonReloadTurnsDefinitionsIntoUnitSettings()
    {
        const string good = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: gen-auto
              annotations: {podunits.io/autostart: "true", podunits.io/description: "generator test pod"}
            spec:
              restartPolicy: OnFailure
              terminationGracePeriodSeconds: 7
              containers:
              - {name: main, image: busybox, command: ["sleep", "1000"]}
            """;
        using var pod = new PodHarness("gen-auto", good);
        using var bad = new PodHarness("gen-bad", "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: main\n    imagee: busybox\n");
        try
        {
            Assert.Equal(0, pod.Systemctl("daemon-reload").Code);

            Assert.Equal("on-failure", pod.Show("Restart"));
            Assert.Equal("22s", pod.Show("TimeoutStopUSec"));   // 7 s grace + 15 s executor margin
            Assert.Equal("generator test pod", pod.Show("Description"));
            Assert.Contains("network-online.target", pod.Show("After"), StringComparison.Ordinal);
            Assert.Contains("pod@gen-auto.service", pod.Show("Wants", "multi-user.target"), StringComparison.Ordinal);
            Assert.DoesNotContain("pod@gen-bad.service", pod.Show("Wants", "multi-user.target"), StringComparison.Ordinal);

            // The bad file is reported by name and position (the generator logs to kmsg, which
            // the sandbox's journal may not carry; the dry run shows the same report).
            var dry = PodHarness.Run("/usr/bin/podunits", "generate", "--dir", "/tmp/gen-dry");
            Assert.Equal(1, dry.Code);
            Assert.Contains("/etc/podunits/pods/gen-bad.yaml:6:5: error: unknown field \"imagee\"", dry.Output, StringComparison.Ordinal);
            Assert.True(File.Exists("/tmp/gen-dry/pod@gen-auto.service.d/50-podunits.conf"));
            // Without --dir (DESIGN.md's `generate [--dir DIR]`; CLI review of 2026-12-07,
            // finding 3): the same, printed, with each file's path.
            var printed = PodHarness.Run("/usr/bin/podunits", "generate");
            Assert.True(printed.Code == 1, printed.Output);
            Assert.Contains("\n# pod@gen-auto.service.d/50-podunits.conf\n", "\n" + printed.Output, StringComparison.Ordinal);
            Assert.Contains("# multi-user.target.wants/pod@gen-auto.service -> /usr/lib/systemd/system/pod@.service\n", printed.Output, StringComparison.Ordinal);
            Assert.Contains("/etc/podunits/pods/gen-bad.yaml:6:5: error: unknown field \"imagee\"", printed.Output, StringComparison.Ordinal);
            // A --dir that is a file is one line, exit 2 (once "internal error: IO_FileExists_Name").
            var onFile = PodHarness.Run("/usr/bin/podunits", "generate", "--dir", "/etc/os-release");
            Assert.Equal((2, "podunits: --dir /etc/os-release: is a file, not a directory"), (onFile.Code, onFile.Output.Trim()));
            // Nor a directory another user made, or a link (generator review of 2026-12-07,
            // finding 3): the generator would follow the links put in it, as root.
            Directory.CreateDirectory("/tmp/gen-foreign/multi-user.target.wants");
            Assert.Equal(0, PodHarness.Run("chown", "-R", "65534", "/tmp/gen-foreign").Code);
            var foreign = PodHarness.Run("/usr/bin/podunits", "generate", "--dir", "/tmp/gen-foreign");
            Assert.Equal(2, foreign.Code);
            Assert.StartsWith("podunits: --dir /tmp/gen-foreign: belongs to user 65534, not to the caller;", foreign.Output.Trim(), StringComparison.Ordinal);
            Assert.Empty(Directory.EnumerateFileSystemEntries("/tmp/gen-foreign/multi-user.target.wants"));
            File.Delete("/tmp/gen-linked");
            File.CreateSymbolicLink("/tmp/gen-linked", "/tmp/gen-dry");
            var linked = PodHarness.Run("/usr/bin/podunits", "generate", "--dir", "/tmp/gen-linked");
            Assert.Equal(2, linked.Code);
            Assert.Contains("is a symbolic link", linked.Output, StringComparison.Ordinal);

            var verify = PodHarness.Run("systemd-analyze", "verify", "pod@gen-auto.service");
            Assert.True(verify.Code == 0, "systemd-analyze verify: " + verify.Output);
        }
        finally
        {
            File.Delete("/etc/podunits/pods/gen-bad.yaml");
            File.Delete("/etc/podunits/pods/gen-auto.yaml");
            pod.Systemctl("daemon-reload");
        }
    }

    /// <summary>A pod with an init container has no start deadline (TimeoutStartSec=infinity, as
    /// Kubernetes gives init containers none). A target that wants it, as multi-user.target
    /// wants an autostart pod, must not wait for it: a wait-for-the-database init container
    /// would hold the boot for as long as the database is away (tour H #1).</summary>
    [Fact]
    public void APodWithoutAStartDeadlineDoesNotHoldUpTheTargetThatStartsIt()
    {
        const string name = "gen-initwait";
        const string target = "/etc/systemd/system/gen-boot.target";
        using var pod = new PodHarness(name, $$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: {{name}}
              annotations: {podunits.io/autostart: "true"}
            spec:
              terminationGracePeriodSeconds: 5
              initContainers:
              - {name: wait-for-db, image: busybox, command: ["sh", "-c", "{{PodHarness.Idle}}"]}
              containers:
              - {name: main, image: busybox, command: ["sh", "-c", "{{PodHarness.Idle}}"]}
            """);
        try
        {
            Assert.Contains(pod.Unit, pod.Show("Wants", "multi-user.target").Split(' '));
            Assert.DoesNotContain(pod.Unit, pod.Show("After", "multi-user.target").Split(' '));
            // The dependencies DefaultDependencies=no drops are spelled out.
            Assert.Contains("shutdown.target", pod.Show("Conflicts").Split(' '));
            Assert.Contains("basic.target", pod.Show("After").Split(' '));
            var verify = PodHarness.Run("systemd-analyze", "verify", pod.Unit);
            Assert.True(verify.Code == 0, "systemd-analyze verify: " + verify.Output);

            // A stand-in for the boot: a target that wants the pod, started as boot starts it.
            File.WriteAllText(target, $"[Unit]\nWants={pod.Unit}\n");
            Assert.Equal(0, pod.Systemctl("daemon-reload").Code);
            var boot = PodHarness.Run("timeout", "30", "systemctl", "start", "gen-boot.target");
            Assert.True(boot.Code == 0, $"the target waited for the pod's init container (exit {boot.Code}): {boot.Output}");
            Assert.Equal("activating", pod.Show("ActiveState"));
        }
        finally
        {
            File.Delete(target);
            PodHarness.Run("systemctl", "stop", "gen-boot.target");
        }
    }

    /// <summary>Generator review of 2026-12-07, finding 5: `systemctl mask pod@NAME` of an
    /// autostart socket-activated pod left the generated sockets.target.wants link, so the
    /// socket failed at every boot ("Socket service ... not loaded, refusing").</summary>
    [Fact]
    public void AMaskedSocketPodsServiceGetsNoSocketLink()
    {
        const string name = "gen-masked-socket";
        const string wants = $"/run/systemd/generator/sockets.target.wants/pod@{name}.socket";
        using var pod = new PodHarness(name, PodHarness.BusyboxPod(name, "trap 'exit 0' TERM; sleep 1901 & wait")
            .Replace($"name: {name}\n", $"name: {name}\n  annotations: {{podunits.io/autostart: \"true\", podunits.io/listen: \"tcp:127.0.0.1:19011\"}}\n", StringComparison.Ordinal));
        try
        {
            Assert.NotNull(new FileInfo(wants).LinkTarget);
            Assert.Equal(0, PodHarness.Run("systemctl", "mask", pod.Unit).Code);
            Assert.Equal(0, PodHarness.Run("systemctl", "daemon-reload").Code);
            Assert.Null(new FileInfo(wants).LinkTarget);
            Assert.True(File.Exists($"/run/systemd/generator/pod@{name}.socket"));
        }
        finally
        {
            PodHarness.Run("systemctl", "unmask", pod.Unit);
            PodHarness.Run("systemctl", "daemon-reload");
        }
    }
}
