using System.Text.Json;
using System.Text.Json.Nodes;
using PodUnits.Journal;

namespace PodUnits.IntegrationTests.Runtime;

/// <summary>
/// Lifecycle hooks and native sidecars as the kubelet runs them, through `systemctl start
/// pod@NAME` and `systemctl stop`: postStart runs once the command runs and a failure kills
/// the run, preStop runs before the SIGTERM, a sidecar (an init container with restartPolicy
/// Always) is up before the next container starts, outlives the main containers on stop and
/// does not keep the pod alive when they end. What the containers saw is read back from the
/// journal (their own lines) and `podunits status`.
/// </summary>
public sealed class HookAndSidecarTests
{
    private const string HookFailedId = "507621239c1645d9af95f25118a4505b";
    private const string RestartingId = "d4ee6ad7c7a241239ed04caca020c514";

    /// <summary>The documentation's lifecycle-events example: postStart writes a file the
    /// container then reads; preStop runs before the SIGTERM, which the container sees after it.</summary>
    [Fact]
    public void PostStartRunsInTheContainerAndPreStopRunsBeforeItsSigterm()
    {
        const string name = "rt-hooks";
        using var pod = new PodHarness(name, PodHarness.BusyboxPod(name,
            "trap 'echo \"term after $(cat /tmp/prestop)\"; exit 0' TERM; "
            + "while [ ! -e /tmp/message ]; do sleep 0.1; done; cat /tmp/message; while true; do sleep 0.2; done",
            extraContainerYaml: """
                  lifecycle:
                    postStart:
                      exec:
                        command: ["/bin/sh", "-c", "echo Hello from the postStart handler > /tmp/message"]
                    preStop:
                      exec:
                        command: ["/bin/sh", "-c", "sleep 1; echo prestop-ran > /tmp/prestop"]
            """));
        var start = pod.Systemctl("start", pod.Unit);
        Assert.True(start.Code == 0, start.Output);
        Assert.True(PodHarness.WaitFor(() => MainLines(pod).Contains("Hello from the postStart handler")),
            string.Join("\n", pod.Journal("-u", pod.Unit)));

        var stop = pod.Systemctl("stop", pod.Unit);
        Assert.True(stop.Code == 0, stop.Output);
        // The SIGTERM came after the hook had written its file, though the hook slept first.
        Assert.True(PodHarness.WaitFor(() => MainLines(pod).Contains("term after prestop-ran")),
            string.Join("\n", pod.Journal("-u", pod.Unit)));
        Assert.Empty(ContainerRestartTests.JournalFields(pod, HookFailedId, "HOOK"));
    }

    /// <summary>A preStop hook whose file shows whether it ran before the SIGTERM (it sleeps first).</summary>
    internal const string PreStopWritesAfterASecond = """
              lifecycle:
                preStop:
                  exec:
                    command: ["/bin/sh", "-c", "sleep 1; echo prestop-ran > /tmp/prestop"]
        """;

    /// <summary>Systemd review of 2026-12-07, finding 1: the host's shutdown stops the pod's
    /// unit and every container scope at once (they conflict with shutdown.target). systemd
    /// SIGTERMed the container directly, before its preStop hook ("term after "). Now the
    /// executor is the scope's controller: systemd asks it, and the pod stops in order.</summary>
    [Fact]
    public void StoppingTheUnitAndAContainersScopeTogetherStopsThePodInOrder()
    {
        const string name = "rt-scopestop";
        string command = "trap 'echo \"term after $(cat /tmp/prestop)\"; exit 0' TERM; echo up; while true; do sleep 0.2; done";
        using var pod = new PodHarness(name, PodHarness.BusyboxPod(name, command, extraContainerYaml: PreStopWritesAfterASecond));
        pod.Start();
        const string scope = "podunits-rt\\x2dscopestop-main.scope";
        Assert.NotEqual("", pod.Show("Controller", scope)); // the executor's bus name
        Assert.Equal("0", pod.Show("MemorySwapMax", scope));
        // Packaging review of 2026-12-07, finding 1: both stop before the bus at shutdown.
        Assert.Contains("dbus.service", pod.Show("After").Split(' '));
        Assert.Contains("systemd-machined.service", pod.Show("After").Split(' '));
        Assert.Contains("dbus.service", pod.Show("After", scope).Split(' '));

        var stop = pod.Systemctl("stop", pod.Unit, scope); // two stop jobs at once, as at shutdown
        Assert.True(stop.Code == 0, stop.Output);
        Assert.True(PodHarness.WaitFor(() => MainLines(pod).Contains("term after prestop-ran")),
            string.Join("\n", pod.Journal("-u", pod.Unit)));
        Assert.Empty(ContainerRestartTests.JournalFields(pod, RestartingId, "RESTART_COUNT"));
        Assert.Equal("inactive", pod.Show("ActiveState"));
    }

    /// <summary>A container's scope stopped alone stops its whole pod (a container cannot be
    /// stopped apart from it), which stays stopped: no Restart= start, no container restart.</summary>
    [Fact]
    public void StoppingOneContainersScopeStopsThePodForGood()
    {
        const string name = "rt-scopealone";
        // restartPolicy Always: the generator gives the unit Restart=always too.
        using var pod = new PodHarness(name, PodHarness.BusyboxPod(name, "trap 'echo got-term; exit 0' TERM; while true; do sleep 0.2; done",
            restartPolicy: "Always"));
        pod.Start();
        var stop = pod.Systemctl("stop", "podunits-rt\\x2dscopealone-main.scope");
        Assert.True(stop.Code == 0, stop.Output);
        Assert.True(PodHarness.WaitFor(() => pod.Show("ActiveState") == "inactive", seconds: 30), pod.Show("ActiveState"));
        Thread.Sleep(2000);
        Assert.Equal("inactive", pod.Show("ActiveState")); // not started again by Restart=always
        Assert.Contains("got-term", MainLines(pod));
        Assert.Empty(ContainerRestartTests.JournalFields(pod, RestartingId, "RESTART_COUNT"));
    }

    /// <summary>Tour G: a preStop hook still running when the grace period ran out was
    /// reported as "command exited with 137", as if the hook had failed on its own.</summary>
    [Fact]
    public void APreStopHookCutOffByTheGracePeriodIsSaidToBe()
    {
        const string name = "rt-prestop-slow";
        using var pod = new PodHarness(name, PodHarness.BusyboxPod(name, "trap 'exit 0' TERM; while true; do sleep 0.2; done",
            extraContainerYaml: """
                  lifecycle:
                    preStop:
                      exec:
                        command: ["sleep", "20"]
            """));
        pod.Start();
        var stop = pod.Systemctl("stop", pod.Unit);
        Assert.True(stop.Code == 0, stop.Output);
        Assert.True(PodHarness.WaitFor(() => ContainerRestartTests.JournalFields(pod, HookFailedId, "HOOK_OUTPUT").Any()),
            string.Join("\n", pod.Journal("-u", pod.Unit)));
        Assert.Equal(["it had not ended when terminationGracePeriodSeconds (5 s) ran out and was stopped with its container"],
            ContainerRestartTests.JournalFields(pod, HookFailedId, "HOOK_OUTPUT"));
    }

    /// <summary>Review of 2026-12-05: a stop while a postStart hook held the next container's
    /// start back ended the pod init with status 1, a failed unit for a plain stop.</summary>
    [Fact]
    public void AStopWhileAPostStartHookHoldsTheStartBackEndsThePodInactive()
    {
        const string name = "rt-poststart-stop";
        using var pod = new PodHarness(name, $$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: {{name}}
            spec:
              terminationGracePeriodSeconds: 5
              containers:
                - name: main
                  image: busybox
                  command: ["sh", "-c", {{Quote("echo main-up; " + PodHarness.Idle)}}]
                  lifecycle:
                    postStart:
                      exec:
                        command: ["sleep", "30"]
                - name: second
                  image: busybox
                  command: ["sh", "-c", {{Quote(PodHarness.Idle)}}]
            """);
        Assert.Equal(0, pod.Systemctl("start", "--no-block", pod.Unit).Code);
        Assert.True(PodHarness.WaitFor(() => MainLines(pod).Contains("main-up"), seconds: 20), pod.UnitJournalText());
        var stop = pod.Systemctl("stop", pod.Unit);
        Assert.True(stop.Code == 0, stop.Output);
        Assert.True((pod.Show("ActiveState"), pod.Show("Result")) == ("inactive", "success"),
            $"{pod.Show("ActiveState")} {pod.Show("Result")}\n{pod.UnitJournalText()}");
        Assert.Empty(pod.Journal("-u", pod.Unit, "CONTAINER_NAME=second")); // it never started
    }

    /// <summary>Review of 2026-12-05: during a stop that began inside the pod (machinectl
    /// poweroff, here), a liveness probe failing while the container drained killed it again:
    /// its preStop hook ran a second time and the probe's short grace period cut the drain off.
    /// As the kubelet stops probing a pod being deleted, the stop now has the last word.</summary>
    [Fact]
    public void AProbeFailingWhileThePodPowersOffNeitherRunsPreStopAgainNorCutsTheDrainShort()
    {
        const string name = "rt-poweroff-drain";
        using var pod = new PodHarness(name, PodHarness.BusyboxPod(name,
            "trap 'rm -f /tmp/alive; sleep 3; echo drained; exit 0' TERM; touch /tmp/alive; echo armed; while true; do sleep 0.2; done",
            extraContainerYaml: """
                  livenessProbe:
                    exec:
                      command: ["test", "-e", "/tmp/alive"]
                    periodSeconds: 1
                    failureThreshold: 1
                    terminationGracePeriodSeconds: 1
                  lifecycle:
                    preStop:
                      exec:
                        command: ["/bin/sh", "-c", "echo prestop > /proc/1/fd/1"]
            """));
        pod.Start();
        Assert.True(PodHarness.WaitFor(() => MainLines(pod).Contains("armed")), pod.UnitJournalText());
        var poweroff = PodHarness.Run("machinectl", "poweroff", name);
        Assert.True(poweroff.Code == 0, poweroff.Output);
        Assert.True(PodHarness.WaitFor(() => pod.Show("ActiveState") is "inactive" or "failed", seconds: 20), pod.UnitJournalText());
        Assert.Contains("drained", MainLines(pod));
        Assert.Single(MainLines(pod), l => l == "prestop"); // the hook wrote into the container's own output
        Assert.True(pod.Show("ActiveState") == "inactive", pod.UnitJournalText());
        // Probing ended with the pod's "stopping": no probe failure announced a restart.
        Assert.Empty(ContainerRestartTests.JournalFields(pod, JournalMessageIds.ContainerUnhealthy, "PROBE"));
    }

    /// <summary>The kubelet's minimumGracePeriodInSeconds: whatever is left of the grace
    /// period (none here), a container has 2 s between its SIGTERM and its SIGKILL. It was
    /// given to sidecars only.</summary>
    [Fact]
    public void AContainerHasTwoSecondsBetweenItsSigtermAndItsSigkillWhateverTheGracePeriod()
    {
        const string name = "rt-grace-zero";
        using var pod = new PodHarness(name, PodHarness.BusyboxPod(name,
            "trap 'sleep 1; echo term-handled; exit 0' TERM; echo armed; while true; do sleep 0.2; done")
            .Replace("terminationGracePeriodSeconds: 5", "terminationGracePeriodSeconds: 0", StringComparison.Ordinal));
        pod.Start();
        Assert.True(PodHarness.WaitFor(() => MainLines(pod).Contains("armed")), pod.UnitJournalText());
        Assert.Equal(0, pod.Systemctl("stop", pod.Unit).Code);
        Assert.Contains("term-handled", MainLines(pod));
        Assert.Equal(("inactive", "0"), (pod.Show("ActiveState"), pod.Show("ExecMainStatus")));
    }

    /// <summary>Review of 2026-12-05: once a stop was asked for, every 143 counted as the
    /// stop's SIGTERM, so a container a liveness probe had killed earlier (restartPolicy
    /// Never: it stays down) vanished from the pod's result.</summary>
    [Fact]
    public void AProbesKillBeforeAStopStillFailsThePod()
    {
        const string name = "rt-kill-then-stop";
        using var pod = new PodHarness(name, $$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: {{name}}
            spec:
              terminationGracePeriodSeconds: 5
              restartPolicy: Never
              containers:
                - name: main
                  image: busybox
                  command: ["sh", "-c", {{Quote("trap 'exit 143' TERM; while true; do sleep 0.2; done")}}]
                  livenessProbe:
                    exec:
                      command: ["false"]
                    initialDelaySeconds: 1
                    periodSeconds: 1
                    failureThreshold: 1
                - name: other
                  image: busybox
                  command: ["sh", "-c", {{Quote(PodHarness.Idle)}}]
            """);
        pod.Start();
        Assert.True(PodHarness.WaitFor(() => Health(name, "main") is { } h && (int?)h["lastExitCode"] == 143, seconds: 20), Status(name));
        Assert.Equal(0, pod.Systemctl("stop", pod.Unit).Code);
        Assert.Equal(("failed", "143"), (pod.Show("ActiveState"), pod.Show("ExecMainStatus")));
    }

    [Fact]
    public void AFailingPostStartHookKillsTheRunAfterItsPreStopAndItRestartsAsItsPolicySays()
    {
        const string name = "rt-poststart-fail";
        using var pod = new PodHarness(name, PodHarness.BusyboxPod(name, "echo started; sleep 600",
            extraContainerYaml: """
                  lifecycle:
                    postStart:
                      exec:
                        command: ["/bin/sh", "-c", "echo no config; exit 7"]
                    preStop:
                      exec:
                        command: ["/bin/sh", "-c", "echo before-kill >> /shared/prestop"]
                  volumeMounts:
                    - name: shared
                      mountPath: /shared
            """, extraSpecYaml: "  volumes:\n    - name: shared\n      emptyDir: {}", restartPolicy: "Always"));
        // A container that never gets past its hook never makes the pod ready: the start waits.
        var start = pod.Systemctl("start", "--no-block", pod.Unit);
        Assert.True(start.Code == 0, start.Output);
        Assert.True(PodHarness.WaitFor(() => ContainerRestartTests.JournalFields(pod, RestartingId, "RESTART_COUNT").Any(), seconds: 30),
            string.Join("\n", pod.Journal("-u", pod.Unit)));
        Assert.Contains("postStart", ContainerRestartTests.JournalFields(pod, HookFailedId, "HOOK"));
        Assert.Contains("main", ContainerRestartTests.JournalFields(pod, HookFailedId, "CONTAINER_NAME"));
        Assert.True(PodHarness.WaitFor(() => Health(name, "main") is { } h && (int)h["restarts"]! >= 1), Status(name));
        Assert.Equal("postStart hook failed", (string?)Health(name, "main")!["lastExitReason"]);
        // The kill that followed ran preStop first, as every kill the kubelet makes does.
        Assert.Contains("before-kill", File.ReadAllLines($"/var/lib/podunits/pods/{name}/volumes/shared/prestop"));
        Assert.Equal("activating", pod.Show("ActiveState"));
    }

    /// <summary>Health review of 2026-12-06, finding 6: a hook's kill lets the run's status
    /// decide, as any exit's: under OnFailure a command that ends its SIGTERM with 0 stays
    /// down, as the kubelet leaves it (a probe's kill restarts it whatever its status).</summary>
    [Fact]
    public void AFailingPostStartHookUnderOnFailureLeavesARunThatEndsWellDown()
    {
        const string name = "rt-poststart-onfail";
        using var pod = new PodHarness(name, PodHarness.BusyboxPod(name, PodHarness.Idle,
            extraContainerYaml: """
                  lifecycle:
                    postStart:
                      exec:
                        command: ["false"]
            """, restartPolicy: "OnFailure"));
        Assert.Equal(0, pod.Systemctl("start", "--no-block", pod.Unit).Code);
        Assert.True(PodHarness.WaitFor(() => ContainerRestartTests.JournalFields(pod, HookFailedId, "HOOK").Any(), seconds: 30),
            pod.UnitJournalText());
        Assert.True(PodHarness.WaitFor(() => pod.Show("ActiveState") is "inactive" or "failed", seconds: 30), pod.UnitJournalText());
        Assert.Empty(ContainerRestartTests.JournalFields(pod, RestartingId, "RESTART_COUNT"));
        Assert.Contains(pod.Journal("-u", pod.Unit), l => l.Contains("it will restart unless it exits 0 (restartPolicy OnFailure)", StringComparison.Ordinal));
    }

    [Fact]
    public void AFailingPostStartHookUnderRestartPolicyNeverFailsThePod()
    {
        const string name = "rt-poststart-never";
        using var pod = new PodHarness(name, PodHarness.BusyboxPod(name, "sleep 600",
            extraContainerYaml: """
                  lifecycle:
                    postStart:
                      exec:
                        command: ["false"]
            """));
        pod.Systemctl("start", pod.Unit);
        Assert.True(PodHarness.WaitFor(() => pod.Show("ActiveState") == "failed", seconds: 30), pod.Show("ActiveState"));
        Assert.Contains("postStart", ContainerRestartTests.JournalFields(pod, HookFailedId, "HOOK"));
        Assert.Empty(ContainerRestartTests.JournalFields(pod, RestartingId, "RESTART_COUNT"));
    }

    /// <summary>The documentation's localhost example, made observable: the main container
    /// fetches from the sidecar once when it starts and once when it gets its SIGTERM; both
    /// succeed only if the sidecar's startup probe held the main container back and the
    /// sidecar is stopped after it.</summary>
    [Fact]
    public void ASidecarIsUpBeforeTheMainContainerStartsAndStopsAfterIt()
    {
        const string name = "rt-sidecar";
        using var pod = new PodHarness(name, $$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: {{name}}
            spec:
              terminationGracePeriodSeconds: 5
              initContainers:
                - name: server
                  image: busybox
                  restartPolicy: Always
                  command: ["sh", "-c", {{Quote(
                      "sleep 2; mkdir -p /www; echo sidecar-up > /www/x; trap 'echo sidecar-term; exit 0' TERM; "
                      + "httpd -f -p 8081 -h /www & wait")}}]
                  startupProbe:
                    httpGet:
                      path: /x
                      port: 8081
                    periodSeconds: 1
                    failureThreshold: 30
              containers:
                - name: main
                  image: busybox
                  command: ["sh", "-c", {{Quote(
                      "trap 'wget -qO- http://127.0.0.1:8081/x | sed s/^/at-term-/; exit 0' TERM; "
                      + "wget -qO- http://127.0.0.1:8081/x | sed s/^/at-start-/; while true; do sleep 0.2; done")}}]
            """);
        var start = pod.Systemctl("start", pod.Unit);
        Assert.True(start.Code == 0, start.Output);
        Assert.True(PodHarness.WaitFor(() => MainLines(pod).Contains("at-start-sidecar-up")),
            string.Join("\n", pod.Journal("-u", pod.Unit)));
        Assert.True((bool)Health(name, "server")!["ready"]!, Status(name));
        Assert.Contains("Sidecar server: active", Status(name), StringComparison.Ordinal);

        var stop = pod.Systemctl("stop", pod.Unit);
        Assert.True(stop.Code == 0, stop.Output);
        Assert.True(PodHarness.WaitFor(() => MainLines(pod).Contains("at-term-sidecar-up")),
            string.Join("\n", pod.Journal("-u", pod.Unit)));
        Assert.Contains("sidecar-term", pod.Journal("-u", pod.Unit, "CONTAINER_NAME=server"));
    }

    /// <summary>An init container that ran to completion did its job: once the main container
    /// has restarted, STATUS= counts no container as exited (it said "1 exited" before).</summary>
    [Fact]
    public void ACompletedInitContainerDoesNotCountAsExitedAfterARestart()
    {
        const string name = "rt-init-count";
        using var pod = new PodHarness(name, PodHarness.BusyboxPod(name,
            "if [ -e /state/ran-once ]; then exec sleep 1000; fi; touch /state/ran-once; exit 3", // a new run gets a new root: the mark is in a volume
            extraContainerYaml: "      volumeMounts: [{name: state, mountPath: /state}]",
            extraSpecYaml: "  volumes: [{name: state, emptyDir: {}}]\n  initContainers:\n  - {name: prepare, image: busybox, command: [\"true\"]}",
            restartPolicy: "Always"));
        pod.Start();
        Assert.True(PodHarness.WaitFor(() => Health(name, "main") is { } main && (int)main["restarts"]! == 1
            && (string?)main["state"] == "running", seconds: 30), Status(name));
        Assert.True(PodHarness.WaitFor(() => pod.Show("StatusText") == "1 container running"), pod.Show("StatusText"));
    }

    [Fact]
    public void ThePodEndsWhenItsMainContainersHaveEndedWhateverItsSidecarsDo()
    {
        const string name = "rt-sidecar-end";
        using var pod = new PodHarness(name, $$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: {{name}}
            spec:
              terminationGracePeriodSeconds: 5
              restartPolicy: Never
              initContainers:
                - name: logger
                  image: busybox
                  restartPolicy: Always
                  command: ["sh", "-c", "while true; do sleep 1; done"]
              containers:
                - name: job
                  image: busybox
                  command: ["sh", "-c", "sleep 1; echo job-done"]
            """);
        pod.Systemctl("start", pod.Unit);
        // The sidecar dies of its SIGTERM (status 143); the pod's status is the job's.
        Assert.True(PodHarness.WaitFor(() => pod.Show("ActiveState") == "inactive", seconds: 30), pod.Show("ActiveState"));
        Assert.Equal("0", pod.Show("ExecMainStatus"));
        Assert.Contains("job-done", pod.Journal("-u", pod.Unit, "CONTAINER_NAME=job"));
    }

    /// <summary>Review of 2026-12-05: a job that ended before its sidecar was ready never sent
    /// READY=1 (a sidecar never counted as ended), and systemd failed the Type=notify unit
    /// with result 'protocol' although every container succeeded.</summary>
    [Fact]
    public void AJobThatEndsBeforeItsSidecarIsReadyStillSucceeds()
    {
        const string name = "rt-sidecar-unready";
        using var pod = new PodHarness(name, $$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: {{name}}
            spec:
              terminationGracePeriodSeconds: 5
              restartPolicy: Never
              initContainers:
                - name: proxy
                  image: busybox
                  restartPolicy: Always
                  command: ["sh", "-c", "while true; do sleep 1; done"]
                  readinessProbe:
                    exec: {command: ["true"]}
                    initialDelaySeconds: 60
              containers:
                - name: job
                  image: busybox
                  command: ["sh", "-c", "echo job-done"]
            """);
        var start = pod.Systemctl("start", pod.Unit);
        Assert.True(start.Code == 0, start.Output + "\n" + pod.UnitJournalText());
        Assert.True(PodHarness.WaitFor(() => pod.Show("ActiveState") == "inactive", seconds: 30), pod.Show("ActiveState"));
        Assert.Equal("success", pod.Show("Result"));
        Assert.Contains("job-done", pod.Journal("-u", pod.Unit, "CONTAINER_NAME=job"));
    }

    /// <summary>Supervision review of 2026-12-06, finding 4: a stop during a probe's kill whose
    /// preStop hook outlasted the pod's grace period (5 s here; the probe's own is 60) SIGKILLed
    /// the run without a SIGTERM. The kubelet sends it at the end of the grace period, and
    /// gives the hook 2 s more.</summary>
    [Fact]
    public void AStopDuringAProbesKillStillSendsSigtermWhenTheHookOutlastsTheGracePeriod()
    {
        const string name = "rt-prestop-term";
        string hook = $"/var/lib/podunits/pods/{name}/volumes/shared/hook";
        using var pod = new PodHarness(name, PodHarness.BusyboxPod(name, "trap 'echo got-term; exit 0' TERM; while true; do sleep 0.2; done",
            extraContainerYaml: """
                  volumeMounts: [{name: shared, mountPath: /shared}]
                  lifecycle:
                    preStop:
                      exec: {command: ["sh", "-c", "touch /shared/hook; sleep 30"]}
                  livenessProbe:
                    exec: {command: ["false"]}
                    initialDelaySeconds: 2
                    periodSeconds: 1
                    failureThreshold: 1
                    terminationGracePeriodSeconds: 60
            """,
            extraSpecYaml: "  volumes: [{name: shared, emptyDir: {}}]"));
        pod.Start();
        // The probe's kill has begun its hook, which will not end: now the stop.
        Assert.True(PodHarness.WaitFor(() => File.Exists(hook), seconds: 30), pod.UnitJournalText());
        Assert.True(pod.Systemctl("stop", pod.Unit).Code == 0);
        Assert.True(PodHarness.WaitFor(() => MainLines(pod).Contains("got-term")), pod.UnitJournalText());
    }

    /// <summary>Review of 2026-12-05: a stop that came while a liveness probe's kill ran the
    /// container's preStop hook ran that hook a second time.</summary>
    [Fact]
    public void AStopDuringAProbesKillRunsThePreStopHookOnce()
    {
        const string name = "rt-prestop-once";
        string count = $"/var/lib/podunits/pods/{name}/volumes/shared/n";
        using var pod = new PodHarness(name, PodHarness.BusyboxPod(name, "trap 'exit 0' TERM; while true; do sleep 1; done",
            extraContainerYaml: """
                  volumeMounts: [{name: shared, mountPath: /shared}]
                  lifecycle:
                    preStop:
                      exec: {command: ["sh", "-c", "echo x >> /shared/n; sleep 4"]}
                  livenessProbe:
                    exec: {command: ["false"]}
                    initialDelaySeconds: 2
                    periodSeconds: 1
                    failureThreshold: 1
            """,
            extraSpecYaml: "  volumes: [{name: shared, emptyDir: {}}]"));
        pod.Start();
        // The probe's kill has begun its hook: now the stop.
        Assert.True(PodHarness.WaitFor(() => File.Exists(count), seconds: 30), pod.UnitJournalText());
        Assert.True(pod.Systemctl("stop", pod.Unit).Code == 0);
        Assert.Equal(["x"], File.ReadAllLines(count));
    }

    [Fact]
    public void ASidecarGetsItsSigtermWhenTheMainContainerUsedUpTheGracePeriod()
    {
        const string name = "rt-sidecar-late";
        using var pod = new PodHarness(name, $$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: {{name}}
            spec:
              terminationGracePeriodSeconds: 2
              initContainers:
                - name: shipper
                  image: busybox
                  restartPolicy: Always
                  command: ["sh", "-c", "trap 'echo shipper-flushed; exit 0' TERM; echo shipper-up; while true; do sleep 0.2; done"]
              containers:
                - name: main
                  image: busybox
                  command: ["sh", "-c", "trap 'sleep 10' TERM; echo main-up; while true; do sleep 0.2; done"]
            """);
        pod.Start();
        Assert.True(PodHarness.WaitFor(() => pod.Journal("-u", pod.Unit, "CONTAINER_NAME=main").Contains("main-up")
            && pod.Journal("-u", pod.Unit, "CONTAINER_NAME=shipper").Contains("shipper-up")), pod.UnitJournalText());
        // main drains for longer than the grace period and is killed at its end; the sidecar
        // then still gets SIGTERM and 2 s, as the kubelet gives it, not an immediate SIGKILL.
        Assert.Equal(0, pod.Systemctl("stop", pod.Unit).Code);
        Assert.True(PodHarness.WaitFor(() => pod.Journal("-u", pod.Unit, "CONTAINER_NAME=shipper").Contains("shipper-flushed")),
            pod.UnitJournalText());
    }

    private static string Quote(string s) => JsonSerializer.Serialize(s);

    private static string[] MainLines(PodHarness pod) => pod.Journal("-u", pod.Unit, "CONTAINER_NAME=main");

    private static string Status(string pod) => PodHarness.StatusText(pod);

    private static JsonNode? Health(string pod, string container) => PodHarness.ContainerHealth(pod, container);
}
