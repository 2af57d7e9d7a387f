using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.Confinement;

/// <summary>
/// A container that holds CAP_SYS_PTRACE may open /proc/PID/root of every process it sees,
/// dumpable or not. So a process that `podunits enter` or an exec probe starts must never be
/// visible in the container while it still sees the host's root (the class of
/// CVE-2016-9962): it joins the container's mount namespace first, and only a child it forks
/// afterwards is in the container's PID namespace (enter.c, join_and_fork). The container
/// runs tests/hostile/watch-entering.c, which tries the root of every new process of its PID
/// namespace while the test enters it again and again. Until its privileges drop the
/// entering process is still host root, which such a container could trace: so `enter`
/// needs --allow-ptrace-window here, and an exec probe or hook of such a container is
/// refused with the definition (stage 1 native review of 2026-12-07, finding 1); the join
/// and the fork are the same code for both.
/// </summary>
public sealed class EnteringProcessTests : IDisposable
{
    private const string Podunits = "/usr/bin/podunits";
    private const string PodName = "hostile-ptrace";
    private readonly PodHarness _pod;

    public EnteringProcessTests()
    {
        _pod = new PodHarness(PodName, HostilePods.Pod(PodName, $$"""
              volumes:
                - name: probe
                  hostPath:
                    path: {{HostileBinaries.BinDir}}
              containers:
                - name: main
                  image: busybox
                  command: ["/bin/sh", "-c", "/probe/watch-entering 30; trap 'exit 0' TERM; sleep 1000 & wait"]
                  securityContext:
                    capabilities:
                      add: [SYS_PTRACE]
                  volumeMounts:
                    - {name: probe, mountPath: /probe, readOnly: true}
            """));
    }

    public void Dispose() => _pod.Dispose();

    [Fact]
    public void NoProcessThatEntersTheContainerShowsItTheHostsRoot()
    {
        Assert.Equal(0, _pod.Systemctl("start", _pod.Unit).Code);
        Assert.True(PodHarness.WaitFor(() => Lines().Any(l => l.StartsWith("watch-entering: watching", StringComparison.Ordinal)), 20),
            HostilePods.Explain(_pod, Lines()));
        // Each entered command lives half a second, so the watcher, which spends a while on
        // each process it finds (and less CPU on a loaded machine), sees every one of them: a
        // `true` came and went unseen, and a CI run once counted 9 new processes of 12 enters
        // and 15 probes. What is tested, the entering process before it is in the container's
        // root, is the same whatever it then runs.
        for (int i = 0; i < 12; i++)
        {
            var enter = PodHarness.Run(Podunits, "enter", "--allow-ptrace-window", PodName, "--", "sleep", "0.5");
            Assert.True(enter.Code == 0, enter.Output);
        }
        Assert.True(PodHarness.WaitFor(() => Lines().Any(l => l.StartsWith("watch-entering: done:", StringComparison.Ordinal)), 45),
            HostilePods.Explain(_pod, Lines()));
        string[] lines = Lines();
        string done = lines.Single(l => l.StartsWith("watch-entering: done:", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("watch-entering: HIT", StringComparison.Ordinal));
        Assert.EndsWith(", hits 0", done, StringComparison.Ordinal);
        // It saw them: every enter is a new process of its PID namespace.
        long seen = long.Parse(done.Split("new ")[1].Split(',')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(seen >= 12, done);
    }

    [Fact]
    public void EnteringWithoutTheOptionIsRefusedAndSaysWhy()
    {
        Assert.Equal(0, _pod.Systemctl("start", _pod.Unit).Code);
        var enter = PodHarness.Run(Podunits, "enter", PodName, "--", "echo", "must-not-run");
        Assert.Equal(2, enter.Code);
        Assert.Equal($"podunits: pod {PodName}: container main: holds capability SYS_PTRACE in a pod without a user namespace, " +
            "so it could trace the entering process while that is still the host's root with every capability, and take over the host " +
            "(opencontainers/runc#3987); add --allow-ptrace-window if you trust what runs in it, or give the pod a user namespace " +
            "(hostUsers: false)", enter.Output.Trim());
        Assert.DoesNotContain("must-not-run", enter.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void AnExecProbeOfSuchAContainerIsRefusedWithTheDefinition()
    {
        const string name = "hostile-ptrace-probe";
        using var pod = new PodHarness(name, HostilePods.Pod(name, """
              containers:
                - name: main
                  image: busybox
                  command: ["sh", "-c", "echo must-not-run; sleep 1981"]
                  securityContext:
                    capabilities:
                      add: [SYS_PTRACE]
                  readinessProbe:
                    exec:
                      command: ["true"]
                    periodSeconds: 1
            """));
        var validate = PodHarness.Run(Podunits, "validate", $"/etc/podunits/pods/{name}.yaml");
        Assert.Equal(2, validate.Code);
        Assert.Contains("spec.containers[0].readinessProbe.exec: container main adds capability SYS_PTRACE in a pod without a user namespace",
            validate.Output, StringComparison.Ordinal);
        Assert.NotEqual(0, pod.Systemctl("start", pod.Unit).Code);
        Assert.True(PodHarness.WaitFor(() => pod.Show("ActiveState") == "failed"), pod.Show("ActiveState"));
        Assert.Equal("2", pod.Show("ExecMainStatus"));
        Assert.DoesNotContain("must-not-run", pod.Journal("-u", pod.Unit));
    }

    private string[] Lines() => _pod.Journal("-u", _pod.Unit, "CONTAINER_NAME=main");
}
