using System.Text.Json.Nodes;

namespace PodUnits.IntegrationTests.Runtime;

/// <summary>Liveness and readiness probes as the kubelet runs them, through `systemctl start
/// pod@NAME`: a failed liveness probe restarts its container only, the unit stays active and
/// the other container keeps its process; readiness that turns shows in `podunits status`.</summary>
public sealed class ProbeTests
{
    private const string UnhealthyId = "3285eb31453449a7893c6361d11d3013";
    private const string RestartingId = "d4ee6ad7c7a241239ed04caca020c514";

    /// <summary>The documentation's exec liveness example (liveness-exec), shortened.</summary>
    [Fact]
    public void AFailingExecLivenessProbeRestartsOnlyItsContainer()
    {
        const string name = "rt-live-exec";
        using var pod = new PodHarness(name, TwoContainers(name,
            "touch /tmp/healthy; sleep 3; rm -f /tmp/healthy; sleep 600",
            """
                  livenessProbe:
                    exec:
                      command: ["cat", "/tmp/healthy"]
                    periodSeconds: 1
                    failureThreshold: 2
                    terminationGracePeriodSeconds: 1
            """));
        AssertRestartedByItsProbe(pod);
    }

    [Fact]
    public void AFailingHttpLivenessProbeRestartsOnlyItsContainer()
    {
        const string name = "rt-live-http";
        using var pod = new PodHarness(name, TwoContainers(name,
            "mkdir -p /www; echo ok > /www/healthz; httpd -p 8080 -h /www; sleep 3; rm /www/healthz; sleep 600",
            """
                  livenessProbe:
                    httpGet:
                      path: /healthz
                      port: 8080
                      httpHeaders:
                        - name: Custom-Header
                          value: Awesome
                    periodSeconds: 1
                    failureThreshold: 2
                    terminationGracePeriodSeconds: 1
            """));
        AssertRestartedByItsProbe(pod);
        Assert.Contains(ContainerRestartTests.JournalFields(pod, "f1bf8ccf53444068ba27b68589ed3333", "PROBE_OUTPUT"),
            o => o.Contains("statuscode: 404", StringComparison.Ordinal));
    }

    /// <summary>The documentation's tcp-liveness-readiness example, with a server that stops listening.</summary>
    [Fact]
    public void AFailingTcpLivenessProbeRestartsOnlyItsContainer()
    {
        const string name = "rt-live-tcp";
        using var pod = new PodHarness(name, TwoContainers(name,
            "httpd -f -p 8080 -h / & server=$!; sleep 3; kill $server; sleep 600",
            """
                  livenessProbe:
                    tcpSocket:
                      port: 8080
                    periodSeconds: 1
                    failureThreshold: 2
                    terminationGracePeriodSeconds: 1
            """));
        AssertRestartedByItsProbe(pod);
    }

    /// <summary>A liveness probe that would fail at once waits for the startup probe, as the
    /// kubelet holds liveness and readiness back until startup passes.</summary>
    [Fact]
    public void AStartupProbeHoldsTheLivenessProbeBackUntilItPasses()
    {
        const string name = "rt-startup";
        using var pod = new PodHarness(name, PodHarness.BusyboxPod(name, "sleep 4; touch /tmp/started; sleep 600",
            extraContainerYaml: """
                  startupProbe:
                    exec:
                      command: ["cat", "/tmp/started"]
                    periodSeconds: 1
                    failureThreshold: 20
                  livenessProbe:
                    exec:
                      command: ["cat", "/tmp/started"]
                    periodSeconds: 1
                    failureThreshold: 1
            """, restartPolicy: "Always"));
        var start = pod.Systemctl("start", pod.Unit);
        Assert.True(start.Code == 0, start.Output);
        Assert.True(PodHarness.WaitFor(() => Health(name, "main")?["started"]?.GetValue<bool>() == true, seconds: 30), Status(name));
        // Liveness now runs (and passes); had it run during the first 4 s it would have killed the container.
        Assert.True(PodHarness.WaitFor(() => Health(name, "main")?["lastProbe"]?.ToString().StartsWith("liveness probe succeeded", StringComparison.Ordinal) == true), Status(name));
        Assert.Equal(0, (int)Health(name, "main")!["restarts"]!);
        Assert.Empty(ContainerRestartTests.JournalFields(pod, UnhealthyId, "CONTAINER_NAME"));
        Assert.Contains("startup probe", ContainerRestartTests.JournalFields(pod, "f1bf8ccf53444068ba27b68589ed3333", "PROBE"));
    }

    [Fact]
    public void ReadinessThatTurnsShowsInStatusWhileThePodRuns()
    {
        const string name = "rt-ready-flip";
        using var pod = new PodHarness(name, PodHarness.BusyboxPod(name,
            "touch /tmp/ready; while true; do sleep 1; test -e /tmp/stop && rm -f /tmp/ready; done",
            extraContainerYaml: """
                  readinessProbe:
                    exec:
                      command: ["cat", "/tmp/ready"]
                    periodSeconds: 1
                    failureThreshold: 1
            """));
        var start = pod.Systemctl("start", pod.Unit);
        Assert.True(start.Code == 0, start.Output);
        Assert.True(PodHarness.WaitFor(() => Health(name, "main")?["ready"]?.GetValue<bool>() == true), Status(name));
        string pid = PodHarness.Run("pgrep", "-n", "-f", "while true; do sleep 1; test -e /tmp/stop").Output.Trim();
        Assert.Equal(0, PodHarness.Run("nsenter", "-t", pid, "-m", "-r", "touch", "/tmp/stop").Code);
        Assert.True(PodHarness.WaitFor(() => Health(name, "main")?["ready"]?.GetValue<bool>() == false), Status(name));
        Assert.Contains("readiness probe failed", (string?)Health(name, "main")!["lastProbe"], StringComparison.Ordinal);
        Assert.Contains("readiness probe failed", (string?)Health(name, "main")!["waitingOn"], StringComparison.Ordinal);
        Assert.Contains("not ready: main", pod.Show("StatusText"), StringComparison.Ordinal);
        Assert.Equal("active", pod.Show("ActiveState"));
        string status = PodHarness.Run("podunits", "status", name).Output;
        Assert.Contains("not ready", status, StringComparison.Ordinal);
        Assert.Contains("waiting on: readiness probe failed", status, StringComparison.Ordinal);
    }

    /// <summary>Review of 2026-12-05: an exec probe's output was read until its pipe ended,
    /// so a process the command left holding it (the `sleep` of a timed-out `sleep | cat`, a
    /// `setsid sleep &`) kept the probe from ever ending: no outcome, no next probe, the
    /// container never ready or never found dead.</summary>
    [Fact]
    public void AnExecProbeEndsByItsTimeoutWhateverTheCommandLeftBehind()
    {
        const string name = "rt-probe-leftover";
        using var pod = new PodHarness(name, PodHarness.BusyboxPod(name, PodHarness.Idle, extraContainerYaml: """
                  readinessProbe:
                    exec:
                      command: ["sh", "-c", "setsid sleep 877 & echo ok"]
                    periodSeconds: 5
                  livenessProbe:
                    exec:
                      command: ["sh", "-c", "sleep 811 | cat"]
                    periodSeconds: 1
                    timeoutSeconds: 1
                    failureThreshold: 100
            """));
        // Ready although the readiness probe's `setsid sleep` still holds the probe's output.
        pod.Start();
        Assert.True(Health(name, "main")?["ready"]?.GetValue<bool>() == true, Status(name));
        Assert.True(PodHarness.WaitFor(() => TimedOutLivenessProbes(pod) >= 3, seconds: 30), pod.UnitJournalText());
        // Each timed-out probe took its `sleep 811` with it (its command's process group): at
        // most the one of the probe in flight is left.
        Assert.True(pod.PidsInScopes("sleep 811").Count() <= 1, PodHarness.Run("ps", "-ef").Output);
        Assert.True(pod.PidsInScopes("sleep 877").Any(), "the readiness probe's setsid sleep, which no timeout ended, is still there");
        Assert.Equal("active", pod.Show("ActiveState"));
    }

    /// <summary>Review of 2026-12-06: 100 ms after a hook's or probe's command ended, the
    /// executor closed the output pipe, and what the command had started in the background
    /// died at its next write (SIGPIPE): `sh -c 'reloader &'` lost its reloader silently.
    /// A writer that never stops (`yes`) kept the read going for ever, and that probe never
    /// ran again.</summary>
    [Fact]
    public void WhatAHookOrProbeLeftBehindMayGoOnWriting()
    {
        const string name = "rt-probe-writer";
        using var pod = new PodHarness(name, PodHarness.BusyboxPod(name, PodHarness.Idle, extraContainerYaml: """
                  lifecycle:
                    postStart:
                      exec:
                        command: ["sh", "-c", "sh -c 'while echo beat; do sleep 0.2; done' hook-writer-833 & echo started"]
                  livenessProbe:
                    exec:
                      command: ["sh", "-c", "if [ ! -e /tmp/writer-started ]; then touch /tmp/writer-started; sh -c 'while :; do echo spam; done' probe-writer-834 & fi; echo x >> /tmp/probe-runs; echo ok"]
                    periodSeconds: 1
            """));
        pod.Start();
        const string hookWriter = "sh -c while echo beat; do sleep 0.2; done hook-writer-833";
        const string probeWriter = "sh -c while :; do echo spam; done probe-writer-834";
        Assert.True(PodHarness.WaitFor(() => pod.PidsInScopes(probeWriter).Any()), PodHarness.Run("ps", "-ef").Output);
        string runs = $"/proc/{pod.PidsInScopes(probeWriter).First()}/root/tmp/probe-runs";
        int probes = File.ReadAllLines(runs).Length;
        Thread.Sleep(3000); // fifteen of its writes since the hook ended
        Assert.True(pod.PidsInScopes(hookWriter).Any(), "the hook's background writer died: " + pod.UnitJournalText());
        Assert.True(pod.PidsInScopes(probeWriter).Any(), "the probe's background writer died");
        // The liveness probe goes on while the writer fills its first run's pipe without a pause.
        Assert.True(PodHarness.WaitFor(() => File.ReadAllLines(runs).Length >= probes + 3, seconds: 30), Status(name));
        Assert.Equal("active", pod.Show("ActiveState"));
    }

    /// <summary>Review of 2026-12-05: timeoutSeconds counted only once the command ran, and the
    /// start waited for the helper's execve with no deadline (on the bus connection's read
    /// loop): a command that could not start (a frozen scope, an execve stuck on a dead NFS
    /// server) stopped that probe for good, and a liveness probe silently protected nothing.</summary>
    [Fact]
    public void AnExecProbeWhoseCommandCannotStartFailsByItsTimeout()
    {
        const string name = "rt-probe-frozen";
        using var pod = new PodHarness(name, PodHarness.BusyboxPod(name, PodHarness.Idle, extraContainerYaml: """
                  livenessProbe:
                    exec:
                      command: ["true"]
                    periodSeconds: 1
                    timeoutSeconds: 1
                    failureThreshold: 100
            """));
        pod.Start();
        // The container's cgroup frozen by hand (systemd 252 cannot freeze a scope): the probe's
        // helper is moved in before its execve, and stops there. Found through the container's
        // process, as this process's cgroup namespace names it, in the v2 hierarchy (on a hybrid
        // host, the unified one: the v2 freezer works there too).
        // READY comes when the shell runs, which may not have forked its sleep yet (a CI run
        // found none): waited for.
        string[] sleeps = [];
        Assert.True(PodHarness.WaitFor(() => (sleeps = [.. pod.PidsInScopes("sleep 1000")]).Length == 1, seconds: 10), string.Join(' ', sleeps));
        string pid = sleeps[0];
        string cgroup = File.ReadAllLines($"/proc/{pid}/cgroup").Single(l => l.StartsWith("0::", StringComparison.Ordinal))[3..];
        string v2 = Directory.Exists("/sys/fs/cgroup/unified") ? "/sys/fs/cgroup/unified" : "/sys/fs/cgroup";
        string freeze = $"{v2}{cgroup}/cgroup.freeze";
        try
        {
            File.WriteAllText(freeze, "1");
            Assert.True(PodHarness.WaitFor(() => ContainerRestartTests.JournalFields(pod, "f1bf8ccf53444068ba27b68589ed3333", "PROBE_OUTPUT")
                .Count(o => o.Contains("command timed out after 1s (it had not started)", StringComparison.Ordinal)) >= 2, seconds: 30), pod.UnitJournalText());
        }
        finally
        {
            File.WriteAllText(freeze, "0");
        }
        Assert.Equal("active", pod.Show("ActiveState"));
    }

    /// <summary>Review of 2026-12-05: a container killed by its liveness probe stayed ready
    /// for its whole grace period (its readiness probe ended with the kill), so READY=1 and
    /// `podunits status` counted a container that was being killed.</summary>
    [Fact]
    public void AContainerBeingKilledIsNotReady()
    {
        const string name = "rt-probe-dying";
        using var pod = new PodHarness(name, PodHarness.BusyboxPod(name, "trap '' TERM; touch /tmp/up; while true; do sleep 1; done", extraContainerYaml: """
                  readinessProbe:
                    exec:
                      command: ["true"]
                    periodSeconds: 1
                  livenessProbe:
                    exec:
                      command: ["cat", "/tmp/down"]
                    initialDelaySeconds: 3
                    periodSeconds: 1
                    failureThreshold: 1
                    terminationGracePeriodSeconds: 30
            """));
        pod.Start();
        Assert.True(Health(name, "main")?["ready"]?.GetValue<bool>() == true, Status(name));
        // Killed (it ignores SIGTERM, so it runs on through the grace period) and not ready.
        Assert.True(PodHarness.WaitFor(() => Health(name, "main") is { } h && (string?)h["killedBy"] is not null, seconds: 30), Status(name));
        JsonNode main = Health(name, "main")!;
        Assert.Equal("running", (string?)main["state"]);
        Assert.False(main["ready"]!.GetValue<bool>(), Status(name));
    }

    private static int TimedOutLivenessProbes(PodHarness pod) =>
        ContainerRestartTests.JournalFields(pod, "f1bf8ccf53444068ba27b68589ed3333", "PROBE_OUTPUT")
            .Count(o => o.Contains("command timed out after 1s", StringComparison.Ordinal));


    private static void AssertRestartedByItsProbe(PodHarness pod)
    {
        var start = pod.Systemctl("start", pod.Unit);
        Assert.True(start.Code == 0, start.Output);
        string other = pod.NeighbourPid();
        Assert.NotEmpty(other);
        Assert.True(PodHarness.WaitFor(() => ContainerRestartTests.JournalFields(pod, RestartingId, "RESTART_COUNT").Any(), seconds: 40),
            string.Join("\n", pod.Journal("-u", pod.Unit)));
        Assert.Contains(ContainerRestartTests.JournalFields(pod, UnhealthyId, "CONTAINER_NAME"), c => c == "app");
        Assert.True(PodHarness.WaitFor(() => Health(pod.Name, "app") is { } h && (int)h["restarts"]! >= 1 && (string?)h["state"] == "running"), Status(pod.Name));
        JsonNode app = Health(pod.Name, "app")!;
        Assert.Equal("liveness probe failed", (string?)app["lastExitReason"]);
        // The journal's exit line says why PodUnits killed it, not only the signal.
        Assert.True(pod.UnitJournalHas(l => l.StartsWith("container app exited with signal ", StringComparison.Ordinal)
            && l.EndsWith(", killed: liveness probe failed", StringComparison.Ordinal)), pod.UnitJournalText());
        Assert.Equal("active", pod.Show("ActiveState"));
        Assert.Equal(other, pod.NeighbourPid());
        Assert.Equal(0, (int)Health(pod.Name, "other")!["restarts"]!);
    }

    private static string TwoContainers(string name, string appCommand, string probeYaml) => $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {{name}}
        spec:
          terminationGracePeriodSeconds: 2
          containers:
            - name: other
              image: busybox
              command: ["sleep", "{{PodHarness.NeighbourSeconds(name)}}"]
            - name: app
              image: busybox
              command: ["sh", "-c", {{System.Text.Json.JsonSerializer.Serialize(appCommand)}}]
        {{probeYaml}}
        """;

    private static string Status(string pod) => PodHarness.StatusText(pod);

    private static JsonNode? Health(string pod, string container) => PodHarness.ContainerHealth(pod, container);

}
