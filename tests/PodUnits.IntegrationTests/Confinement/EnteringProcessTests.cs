using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.Confinement;

/// <summary>
/// A container that holds CAP_SYS_PTRACE without a user namespace may attach to, or open
/// /proc/PID/root of, every process it sees, dumpable or not. So a process that `podunits
/// enter` or an exec probe starts must never be visible in the container while it is more
/// than the container: not while it still sees the host's root (the class of CVE-2016-9962),
/// and not while it still has the host root's capabilities or no seccomp filter
/// (opencontainers/runc#3987; stage 1 native review of 2026-12-07, finding 1). enter.c joins
/// the container's mount namespace and takes every last step of the container's own
/// confinement outside the container's PID namespace, and only the child it forks afterwards is
/// in it (enter_and_exec). The container runs tests/hostile/watch-entering.c, which reads the
/// capabilities and seccomp mode of every new process of its PID namespace the moment it
/// sees it and tries its root while the test enters it again and again and an exec readiness
/// probe runs every second. The join and the fork are the same code for both.
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
                  readinessProbe:
                    exec:
                      command: ["sleep", "0.3"]
                    periodSeconds: 1
                  volumeMounts:
                    - {name: probe, mountPath: /probe, readOnly: true}
            """));
    }

    public void Dispose() => _pod.Dispose();

    [Fact]
    public void NoProcessThatEntersTheContainerShowsItTheHostsRoot()
    {
        // Started means ready: the exec probe ran in the container, as its own process.
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
            var enter = PodHarness.Run(Podunits, "enter", PodName, "--", "sleep", "0.5");
            Assert.True(enter.Code == 0, enter.Output);
        }
        Assert.True(PodHarness.WaitFor(() => Lines().Any(l => l.StartsWith("watch-entering: done:", StringComparison.Ordinal)), 45),
            HostilePods.Explain(_pod, Lines()));
        string[] lines = Lines();
        string done = lines.Single(l => l.StartsWith("watch-entering: done:", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("watch-entering: HIT", StringComparison.Ordinal));
        Assert.EndsWith(", hits 0", done, StringComparison.Ordinal);
        // It saw them: every enter is a new process of its PID namespace (and so is every
        // probe's run it caught, about one a second: how many depends on the machine's load).
        long seen = long.Parse(done.Split("new ")[1].Split(',')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(seen >= 12, done);
    }

    private string[] Lines() => _pod.Journal("-u", _pod.Unit, "CONTAINER_NAME=main");
}
