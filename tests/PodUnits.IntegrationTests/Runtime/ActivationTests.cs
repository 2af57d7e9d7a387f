using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace PodUnits.IntegrationTests.Runtime;

/// <summary>
/// sd_notify from a container and socket activation (docs/activation.md), through
/// `systemctl start` and a real pod@NAME.socket. The busybox image can neither send a
/// datagram to a unix socket nor accept on an inherited socket, so the containers run
/// tests/activation/activation-helper.c (static), from a read-only hostPath volume.
/// </summary>
public sealed class ActivationTests
{
    private const string HelperDir = "/var/lib/podunits-test-activation/bin";
    private static readonly Lazy<string> Helper = new(BuildHelper);

    private static string BuildHelper()
    {
        Directory.CreateDirectory(HelperDir);
        string source = Path.Combine(PodUnits.UnitTests.RepoRoot.Path, "tests/activation/activation-helper.c");
        var build = PodHarness.Run("gcc", "-static", "-O2", "-Wall", "-Wextra", "-Werror", "-o", $"{HelperDir}/activation-helper", source);
        return build.Code == 0 ? HelperDir : throw new InvalidOperationException($"building the helper failed: {build.Output}");
    }

    private static string Pod(string name, string annotations, string command, string extraContainerYaml = "") => $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {{name}}
          annotations:
        {{annotations}}
        spec:
          terminationGracePeriodSeconds: 5
          restartPolicy: Always
          volumes:
            - name: helper
              hostPath: {path: {{Helper.Value}}, type: Directory}
          containers:
            - name: main
              image: busybox
              command: ["sh", "-c", {{System.Text.Json.JsonSerializer.Serialize(command)}}]
              volumeMounts:
                - {name: helper, mountPath: /helper, readOnly: true}
        {{extraContainerYaml}}
            - name: side
              image: busybox
              command: ["sleep", "{{PodHarness.NeighbourSeconds(name)}}"]
        """;

    private static JsonObject Status(string pod, string container) =>
        JsonNode.Parse(File.ReadAllText($"/run/podunits/state/{pod}/containers.json"))!.AsArray()
            .OfType<JsonObject>().Single(o => (string?)o["name"] == container);

    [Fact]
    public void NotifyContainerControlsReadyAndStatusAndIsNotReadyAfterARestart()
    {
        const string name = "rt-notify";
        // The container says READY=1 only once the test opens its gate (a file in the helper's
        // host directory): the "warming up" state lasts until the test has seen it, however
        // slow this machine is, instead of for a fixed two seconds.
        string gate = $"{Helper.Value}/gate-{name}";
        File.Delete(gate);
        // And it says "warming up" only once this one is open: a new run's silent start lasts
        // until the test has seen it too (it slept 2 s, which a loaded machine could miss;
        // test review of 2026-12-06, finding 3).
        string warm = $"{Helper.Value}/warm-{name}";
        File.WriteAllText(warm, "");
        using var pod = new PodHarness(name, Pod(name, "    podunits.io/notify: main",
            $"while [ ! -e /helper/warm-{name} ]; do sleep 0.2; done; /helper/activation-helper notify 'STATUS=warming up'; " +
            $"while [ ! -e /helper/gate-{name} ]; do sleep 0.2; done; " +
            "/helper/activation-helper notify READY=1 'STATUS=serving 42'; exec sleep 3917",
            // A readiness probe that passes long before READY=1: the container is not ready
            // until both say so, and the journal says it once (health review of 2026-12-07,
            // finding 3: "is ready" came at the probe's pass, and again at READY=1).
            "      readinessProbe: {exec: {command: [\"true\"]}, periodSeconds: 1}"));
        Assert.Equal(0, pod.Systemctl("start", "--no-block", pod.Unit).Code);

        Assert.True(PodHarness.WaitFor(() => pod.Show("StatusText").Contains("main: warming up", StringComparison.Ordinal)),
            pod.Show("StatusText"));
        Assert.True(PodHarness.WaitFor(() => ((string?)Status(name, "main")["lastProbe"])?.StartsWith("readiness probe succeeded", StringComparison.Ordinal) == true),
            Status(name, "main").ToJsonString());
        Assert.DoesNotContain(pod.Journal("-u", pod.Unit), l => l.Contains("container main is ready", StringComparison.Ordinal));
        Assert.Equal("activating", pod.Show("ActiveState")); // the container runs, but has not said READY=1
        Assert.False(Status(name, "main")["ready"]!.GetValue<bool>());
        Thread.Sleep(500);
        Assert.Equal("activating", pod.Show("ActiveState")); // still: READY waits for the container, not for a clock

        File.WriteAllText(gate, "");
        Assert.True(PodHarness.WaitFor(() => pod.Show("ActiveState") == "active"), pod.Show("ActiveState"));
        Assert.True(PodHarness.WaitFor(() => pod.Journal("-u", pod.Unit).Any(l => l.Contains("container main is ready", StringComparison.Ordinal))),
            pod.UnitJournalText());
        Assert.Single(pod.Journal("-u", pod.Unit), l => l.Contains("container main is ready", StringComparison.Ordinal));
        Assert.Contains("main: serving 42", pod.Show("StatusText"), StringComparison.Ordinal);
        Assert.True(Status(name, "main")["ready"]!.GetValue<bool>());
        Assert.Equal("serving 42", (string?)Status(name, "main")["notifyStatus"]);

        // A new run of the container is not ready until it says READY=1 again (the gate is
        // closed again first, so the new run waits at it until the test has seen that).
        string neighbour = pod.NeighbourPid();
        File.Delete(gate);
        File.Delete(warm);
        Assert.Equal(0, PodHarness.Run("pkill", "-KILL", "-x", "-f", "sleep 3917").Code);
        Assert.True(PodHarness.WaitFor(() => Status(name, "main") is { } s && s["restarts"]!.GetValue<int>() == 1
            && !s["ready"]!.GetValue<bool>()), Status(name, "main").ToJsonString());
        // As soon as the new run runs, before it says anything (it waits for the test): the
        // count and "not ready" are the new run's, the old run's STATUS= is gone.
        Assert.True(PodHarness.WaitFor(() => pod.Show("StatusText") is var text && text.StartsWith("2 containers running", StringComparison.Ordinal)
            && text.Contains("not ready: main", StringComparison.Ordinal) && !text.Contains("main: ", StringComparison.Ordinal)), pod.Show("StatusText"));
        File.WriteAllText(warm, "");
        Assert.True(PodHarness.WaitFor(() => pod.Show("StatusText").Contains("main: warming up", StringComparison.Ordinal)), pod.Show("StatusText"));
        File.WriteAllText(gate, "");
        Assert.True(PodHarness.WaitFor(() => Status(name, "main")["ready"]!.GetValue<bool>()), Status(name, "main").ToJsonString());
        Assert.Equal("active", pod.Show("ActiveState"));
        Assert.Equal(neighbour, pod.NeighbourPid());
        var status = PodHarness.Run("podunits", "status", name);
        Assert.Contains("ready", status.Output, StringComparison.Ordinal);
    }

    /// <summary>Activation review of 2026-12-06, finding 1: the notify socket was bound before
    /// the volumes, and an emptyDir at /run (what readOnlyRootFilesystem asks for) covered it:
    /// READY=1 never came and the start timed out.</summary>
    [Fact]
    public void AVolumeAtRunDoesNotHideTheNotifySocket()
    {
        const string name = "rt-notify-run";
        using var pod = new PodHarness(name, $$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: {{name}}
              annotations:
                podunits.io/notify: main
            spec:
              terminationGracePeriodSeconds: 5
              volumes:
                - name: helper
                  hostPath: {path: {{Helper.Value}}, type: Directory}
                - name: run
                  emptyDir: {}
              containers:
                - name: main
                  image: busybox
                  command: ["sh", "-c", "/helper/activation-helper notify READY=1 'STATUS=behind a volume'; exec sleep 3925"]
                  securityContext: {readOnlyRootFilesystem: true}
                  volumeMounts:
                    - {name: helper, mountPath: /helper, readOnly: true}
                    - {name: run, mountPath: /run}
            """);
        pod.Start(); // returns once the pod is READY: the container's READY=1 reached it
        Assert.Equal("active", pod.Show("ActiveState"));
        Assert.Contains("main: behind a volume", pod.Show("StatusText"), StringComparison.Ordinal);
    }

    /// <summary>With shareProcessNamespace: true the pod's other containers can reach the
    /// notify socket through /proc/PID/root of the notify container's process: the sender's
    /// cgroup, not the socket's location, decides.</summary>
    [Fact]
    public void ANeighbourContainerCannotSpeakForTheNotifyContainer()
    {
        const string name = "rt-notify-forge";
        string forge = "while true; do for p in /proc/[0-9]*; do " +
            "if [ \"$(tr '\\0' ' ' < $p/cmdline 2>/dev/null)\" = 'sleep 3918 ' ]; then " +
            "NOTIFY_SOCKET=$p/root/run/host/notify /helper/activation-helper notify READY=1 STATUS=forged && echo sent; fi; done; sleep 1; done";
        using var pod = new PodHarness(name, $$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: {{name}}
              annotations:
                podunits.io/notify: main
            spec:
              terminationGracePeriodSeconds: 2
              restartPolicy: Never
              shareProcessNamespace: true
              volumes:
                - name: helper
                  hostPath: {path: {{Helper.Value}}, type: Directory}
              containers:
                - name: main
                  image: busybox
                  command: ["sleep", "3918"]
                - name: forger
                  image: busybox
                  command: ["sh", "-c", {{System.Text.Json.JsonSerializer.Serialize(forge)}}]
                  volumeMounts:
                    - {name: helper, mountPath: /helper, readOnly: true}
            """);
        Assert.Equal(0, pod.Systemctl("start", "--no-block", pod.Unit).Code);
        // Both: the executor writes its warning itself, while the forger's "sent" (it did reach
        // the socket) comes through its log forwarder and may be journaled a moment later.
        Assert.True(PodHarness.WaitFor(() => pod.Journal("-u", pod.Unit) is var lines
                && lines.Any(l => l.Contains("container main: ignoring a notification from PID", StringComparison.Ordinal))
                && lines.Contains("sent")),
            string.Join('\n', pod.Journal("-u", pod.Unit)));
        // Stage 1's warning carries its priority through the unit's stream (Runtime/Logging/StageLog).
        Assert.Contains(pod.Journal("-u", pod.Unit, "PRIORITY=4", "_TRANSPORT=stdout"), l => l.StartsWith("container main: ignoring a notification from PID", StringComparison.Ordinal));
        Assert.Equal("activating", pod.Show("ActiveState"));
        Assert.DoesNotContain("forged", pod.Show("StatusText"), StringComparison.Ordinal);
    }

    [Fact]
    public void SocketActivatedPodStartsOnFirstConnectionAndItsContainerGetsTheSocketOnEveryRun()
    {
        const string name = "rt-listen";
        string socket = $"pod@{name}.socket";
        // Port 84: privileged, and the container runs as nobody without any capability.
        using var pod = new PodHarness(name, Pod(name, "    podunits.io/listen: \"tcp:127.0.0.1:84\"\n    podunits.io/listen-container: main",
            "exec /helper/activation-helper serve hello once",
            extraContainerYaml: "      securityContext:\n        runAsUser: 65534\n        capabilities: {drop: [ALL]}"));
        try
        {
            // The generator made the socket unit; asked of systemd, not read from its output
            // directory, which another test's daemon-reload may be regenerating just then.
            Assert.Equal("127.0.0.1:84 (Stream)", pod.Show("Listen", socket));
            var start = pod.Systemctl("start", socket);
            Assert.True(start.Code == 0, start.Output);
            Assert.Equal("inactive", pod.Show("ActiveState"));

            string first = Ask(84);
            Assert.StartsWith("hello pid=", first, StringComparison.Ordinal);
            Assert.EndsWith($"fds=1 names={socket}", first, StringComparison.Ordinal);
            Assert.True(PodHarness.WaitFor(() => pod.Show("ActiveState") == "active"), pod.Show("ActiveState"));

            // It answered once and exited; its restart (immediate, the first) gets the socket again.
            string second = Ask(84);
            Assert.EndsWith($"fds=1 names={socket}", second, StringComparison.Ordinal);
            // The helper answers once and exits, so this came from another run. Each run's
            // command is PID 1 of its own PID namespace, which LISTEN_PID names.
            Assert.StartsWith("hello pid=1 ", first, StringComparison.Ordinal);
            Assert.StartsWith("hello pid=1 ", second, StringComparison.Ordinal);
            Assert.True(PodHarness.WaitFor(() => Status(name, "main")["restarts"]!.GetValue<int>() >= 1));

            Assert.Equal(0, pod.Systemctl("stop", pod.Unit).Code);
            Assert.Equal("listening", pod.Show("SubState", socket)); // stopping the service leaves the socket

            // Started by hand, the service brings its socket up first and gets it (Requires=):
            // before, it ran without it, and the socket could not start while it ran.
            Assert.Equal(0, pod.Systemctl("stop", socket).Code);
            var direct = pod.Systemctl("start", pod.Unit);
            Assert.True(direct.Code == 0, direct.Output);
            Assert.Equal("active", pod.Show("ActiveState", socket));
            Assert.EndsWith($"fds=1 names={socket}", Ask(84), StringComparison.Ordinal);
            // podunits stop says what systemctl stop would: the socket brings the pod back.
            var stop = PodHarness.Run("podunits", "stop", name);
            Assert.True(stop.Code == 0, stop.Output);
            Assert.Contains($"{socket} still listens and starts the pod again at the next connection", stop.Output, StringComparison.Ordinal);
        }
        finally
        {
            pod.Systemctl("stop", socket);
        }
    }

    /// <summary>Activation review of 2026-12-06, finding 5: an administrator's socket for a
    /// pod of two containers without podunits.io/listen-container failed in stage 1, after the
    /// pulls, with exit 1, and the waiting connection started it again and again.</summary>
    [Fact]
    public void SocketsForAPodOfSeveralContainersWithoutAListenContainerAreRefusedBeforeAnythingStarts()
    {
        const string name = "rt-listen-several";
        string socket = $"pod@{name}.socket", socketFile = $"/run/systemd/system/{socket}";
        File.WriteAllText(socketFile, "[Socket]\nListenStream=127.0.0.1:18424\n");
        using var pod = new PodHarness(name, Pod(name, "    podunits.io/description: two containers", "exec sleep 3924"));
        try
        {
            Assert.Equal(0, pod.Systemctl("start", socket).Code);
            using (var client = new TcpClient())
            {
                // The backlog takes it; the start it makes is what counts. The waiting
                // connection starts the unit again after each failure, so its state flaps:
                // the journal says what each start did.
                client.Connect("127.0.0.1", 18424);
                Assert.True(pod.UnitJournalHas(l => l.Contains("systemd passed 1 socket but the pod has 2 containers", StringComparison.Ordinal)), pod.UnitJournalText());
                Assert.True(pod.UnitJournalHas(l => l.Contains("status=2/", StringComparison.Ordinal)), pod.UnitJournalText()); // bad input, not retried by Restart=
            }
        }
        finally
        {
            pod.Systemctl("stop", socket);
            File.Delete(socketFile);
            PodHarness.Run("systemctl", "daemon-reload");
        }
    }

    /// <summary>Activation review of 2026-12-06, finding 3: a listen container that ended for
    /// good in a pod that runs on left the sockets held and their connections unanswered,
    /// and nothing said so.</summary>
    [Fact]
    public void AListenContainerThatEndedForGoodWhileThePodRunsOnIsSaid()
    {
        const string name = "rt-listen-ended";
        string socket = $"pod@{name}.socket";
        using var pod = new PodHarness(name, $$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: {{name}}
              annotations:
                podunits.io/listen: "tcp:127.0.0.1:18425"
                podunits.io/listen-container: main
            spec:
              terminationGracePeriodSeconds: 5
              restartPolicy: Never
              volumes:
                - name: helper
                  hostPath: {path: {{Helper.Value}}, type: Directory}
              containers:
                - name: main
                  image: busybox
                  command: ["/helper/activation-helper", "serve", "hello", "once"]
                  volumeMounts:
                    - {name: helper, mountPath: /helper, readOnly: true}
                - name: side
                  image: busybox
                  command: ["sleep", "3925"]
            """);
        try
        {
            Assert.Equal(0, pod.Systemctl("start", socket).Code);
            Assert.StartsWith("hello pid=", Ask(18425), StringComparison.Ordinal);
            Assert.True(pod.UnitJournalHas(l => l.Contains($"container main, which takes the connections of {socket}, has ended for good while the pod runs on", StringComparison.Ordinal)),
                pod.UnitJournalText());
            Assert.Equal("active", pod.Show("ActiveState")); // side runs on
        }
        finally
        {
            pod.Systemctl("stop", socket);
        }
    }

    /// <summary>An autostart pod with a socket listens at boot: the generator links its
    /// pod@NAME.socket (UnitFileState "generated") into sockets.target, and status and list
    /// say so, as `podunits refresh` decides it.</summary>
    [Fact]
    public void ASocketActivatedAutostartPodIsShownAsStartingAtBoot()
    {
        const string name = "rt-listen-boot";
        using var pod = new PodHarness(name, Pod(name, "    podunits.io/listen: \"tcp:127.0.0.1:18419\"\n    podunits.io/listen-container: main\n    podunits.io/autostart: \"true\"",
            "exec sleep 3919"));
        try
        {
            Assert.Equal("generated", PodHarness.Run("systemctl", "is-enabled", $"pod@{name}.socket").Output.Trim());
            Assert.Contains("Autostart: yes (enabled: starts at boot)", PodHarness.Run("podunits", "status", name).Output, StringComparison.Ordinal);
            var list = JsonNode.Parse(PodHarness.Run("podunits", "list", "-o", "json").Output)!.AsArray();
            Assert.True(list.Single(p => (string?)p!["name"] == name)!["autostart"]!.GetValue<bool>(), list.ToJsonString());
        }
        finally
        {
            pod.Systemctl("stop", $"pod@{name}.socket"); // in case another test's start of multi-user.target reached it
        }
    }

    /// <summary>Generator review of 2026-12-06, finding 7: systemd refuses to enable the
    /// generated socket, and an administrator who enabled the service instead (which requires
    /// the socket, so boot starts both) was told the pod does not start at boot.</summary>
    [Fact]
    public void ASocketActivatedPodWhoseServiceIsEnabledIsShownAsStartingAtBoot()
    {
        const string name = "rt-listen-enabled";
        using var pod = new PodHarness(name, Pod(name, "    podunits.io/listen: \"tcp:127.0.0.1:18423\"\n    podunits.io/listen-container: main",
            "exec sleep 3923"));
        try
        {
            Assert.Contains("Autostart: no", PodHarness.Run("podunits", "status", name).Output, StringComparison.Ordinal);
            Assert.NotEqual(0, PodHarness.Run("systemctl", "enable", $"pod@{name}.socket").Code); // as docs/packaging.md says
            Assert.Equal(0, PodHarness.Run("systemctl", "enable", pod.Unit).Code);
            Assert.Contains("Autostart: yes (enabled: starts at boot)", PodHarness.Run("podunits", "status", name).Output, StringComparison.Ordinal);
            var list = JsonNode.Parse(PodHarness.Run("podunits", "list", "-o", "json").Output)!.AsArray();
            Assert.True(list.Single(p => (string?)p!["name"] == name)!["autostart"]!.GetValue<bool>(), list.ToJsonString());
        }
        finally
        {
            PodHarness.Run("systemctl", "disable", pod.Unit);
        }
    }

    /// <summary>Review of 2026-12-05: refresh stopped only services, so the socket of an idle
    /// socket-activated pod whose definition was removed kept listening (an active unit
    /// outlives its file at a daemon-reload), and the next connection started a pod with no
    /// definition.</summary>
    [Theory]
    [InlineData("rt-listen-gone", 18421, true)]
    [InlineData("rt-listen-gone2", 18422, false)] // an administrator's own pod: no refresh ever saw it
    public void RefreshStopsTheSocketOfAPodWhoseDefinitionWasRemoved(string name, int port, bool refreshedBefore)
    {
        using var pod = new PodHarness(name, Pod(name, $"    podunits.io/listen: \"tcp:127.0.0.1:{port}\"\n    podunits.io/listen-container: main", "exec sleep 3921"));
        try
        {
            if (refreshedBefore)
            {
                var seen = PodHarness.Run("podunits", "refresh", name);
                Assert.True(seen.Code == 0, seen.Output);
            }
            Assert.Equal(0, pod.Systemctl("start", $"pod@{name}.socket").Code);
            Assert.Equal("active", PodHarness.Run("systemctl", "is-active", $"pod@{name}.socket").Output.Trim());

            File.Delete($"/etc/podunits/pods/{name}.yaml");
            pod.Systemctl("daemon-reload");
            var refresh = PodHarness.Run("podunits", "refresh", name);
            Assert.True(refresh.Code == 0, refresh.Output);
            Assert.Contains($"pod@{name}.socket", refresh.Output, StringComparison.Ordinal);
            Assert.NotEqual("active", PodHarness.Run("systemctl", "is-active", $"pod@{name}.socket").Output.Trim());
            Assert.Throws<SocketException>(() =>
            {
                using var client = new TcpClient();
                client.Connect("127.0.0.1", port);
            });
        }
        finally
        {
            pod.Systemctl("stop", $"pod@{name}.socket");
        }
    }

    /// <summary>Each failed start hands the waiting connection back to the socket, which
    /// starts the pod again at once: without a back-off, five in 10 s hit systemd's start
    /// limit, and the socket stopped for good.</summary>
    [Fact]
    public void ASocketActivatedPodThatFailsBacksOffAndKeepsItsSocket()
    {
        const string name = "rt-listen-fail";
        const int port = 18431;
        string nowhere = $"127.0.0.1:{Images.RegistryFixture.FreePort()}/test/later:1";
        using var pod = new PodHarness(name, $$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: {{name}}
              annotations:
                podunits.io/listen: "tcp:127.0.0.1:{{port}}"
            spec:
              terminationGracePeriodSeconds: 2
              restartPolicy: Never
              containers:
                - name: main
                  image: {{nowhere}}
                  imagePullPolicy: IfNotPresent
                  command: ["sh", "-c", "sleep 1000"]
            """);
        string socket = $"pod@{name}.socket";
        try
        {
            Assert.Equal(0, pod.Systemctl("start", socket).Code);
            using var client = new TcpClient();
            client.Connect("127.0.0.1", port); // waits in the socket's queue
            Assert.True(PodHarness.WaitFor(() => pod.Show("StatusText").Contains("starting again in 10 s", StringComparison.Ordinal), 20),
                $"{pod.Show("ActiveState")}, socket {pod.Show("ActiveState", socket)}: {pod.UnitJournalText()}");
            Assert.Equal("active", pod.Show("ActiveState", socket));
            Assert.Equal(2, pod.Journal("-u", pod.Unit).Count(l => l.StartsWith($"Starting {pod.Unit}", StringComparison.Ordinal)));
        }
        finally
        {
            pod.Systemctl("stop", socket);
            pod.Systemctl("reset-failed", pod.Unit, socket);
        }
    }

    /// <summary>Review of 2026-12-06: a changed podunits.io/listen restarted the service
    /// alone, and the socket kept listening where it was (a daemon-reload does not reopen a
    /// socket's descriptors, and systemd refuses to start a socket while its service runs).
    /// Each step changes the definition and reloads systemd, as an upgrade's files and
    /// another package's reload would, before refresh runs.</summary>
    [Fact]
    public void RefreshMovesASocketWhosePodChangedItsListenIdleOrRunning()
    {
        const string name = "rt-listen-move";
        string socket = $"pod@{name}.socket";
        static string Annotations(int? port) => port is { } p ? $"    podunits.io/listen: \"tcp:127.0.0.1:{p}\"\n    podunits.io/listen-container: main" : "    podunits.io/autostart: \"false\"";
        static string Define(int? port) => Pod(name, Annotations(port), "if [ -n \"$LISTEN_FDS\" ]; then exec /helper/activation-helper serve moved; fi; exec sleep 3924");
        static void Refused(int port) => Assert.Throws<SocketException>(() =>
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", port);
        });
        string Refresh(string expected)
        {
            var refresh = PodHarness.Run("podunits", "refresh", name);
            Assert.True(refresh.Code == 0, refresh.Output);
            Assert.Contains(expected, refresh.Output, StringComparison.Ordinal);
            return refresh.Output;
        }
        using var pod = new PodHarness(name, Define(18441));
        try
        {
            Assert.True(PodHarness.Run("podunits", "refresh", name).Code == 0); // what the socket listens on is recorded
            Assert.Equal(0, pod.Systemctl("start", socket).Code);

            // Idle: the socket moves, and the pod stays stopped until a connection comes. The
            // file's mtime is older than the socket's start, as a package installs it (its
            // build time): that once made the move look applied by hand already.
            pod.Redefine(Define(18442));
            Assert.Equal(0, PodHarness.Run("touch", "-m", "-d", "2020-01-01 00:00:00", $"/etc/podunits/pods/{name}.yaml").Code);
            Refresh($"{socket}: restarted on its new addresses");
            Assert.Equal("active", pod.Show("ActiveState", socket));
            Assert.Equal("inactive", pod.Show("ActiveState"));
            Refused(18441);
            Assert.EndsWith($"fds=1 names={socket}", Ask(18442), StringComparison.Ordinal);
            Assert.True(PodHarness.WaitFor(() => pod.Show("ActiveState") == "active"), pod.Show("ActiveState"));

            // Running, the address moves: the running pod held the old one (its copy of the
            // socket) until the move restarted it.
            string before = pod.Show("ExecMainPID");
            pod.Redefine(Define(18444));
            Refresh($"{socket}: restarted on its new addresses; {pod.Unit} started again");
            Assert.Equal("active", pod.Show("ActiveState", socket));
            Assert.Equal("active", pod.Show("ActiveState"));
            Assert.NotEqual(before, pod.Show("ExecMainPID"));
            Refused(18442);
            Assert.EndsWith($"fds=1 names={socket}", Ask(18444), StringComparison.Ordinal);

            // Running, listen removed: the socket stops and the pod runs on without it.
            pod.Redefine(Define(null));
            Refresh($"{socket}: stopped and disabled: the definition has no podunits.io/listen now; {pod.Unit} started again");
            Assert.Equal("inactive", pod.Show("ActiveState", socket));
            Assert.Equal("active", pod.Show("ActiveState"));
            Refused(18444);
            Assert.True(PodHarness.WaitFor(() => pod.PidsInScopes("sleep 3924").Any()), "the new run was given sockets"); // its branch without LISTEN_FDS

            // Running, listen added: the socket starts, and the pod's new run gets it.
            pod.Redefine(Define(18443));
            Refresh($"{socket}: started; {pod.Unit} started again");
            Assert.Equal("active", pod.Show("ActiveState", socket));
            Assert.Equal("active", pod.Show("ActiveState"));
            Assert.EndsWith($"fds=1 names={socket}", Ask(18443), StringComparison.Ordinal);

            // Nothing moved since: nothing to do.
            Assert.DoesNotContain(socket, Refresh(""), StringComparison.Ordinal);
        }
        finally
        {
            pod.Systemctl("stop", pod.Unit, socket);
        }
    }

    /// <summary>One line from 127.0.0.1:PORT, retried while the container restarts.</summary>
    private static string Ask(int port)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var client = new TcpClient { ReceiveTimeout = 20_000 };
                client.Connect("127.0.0.1", port);
                using var reader = new StreamReader(client.GetStream());
                if (reader.ReadLine() is { Length: > 0 } line)
                {
                    return line;
                }
            }
            catch (Exception e) when ((e is IOException or SocketException) && clock.Elapsed.TotalSeconds < 20)
            {
                // the connection was taken by a run that was ending
            }
            if (clock.Elapsed.TotalSeconds >= 20)
            {
                throw new TimeoutException($"no answer on 127.0.0.1:{port}");
            }
            Thread.Sleep(200);
        }
    }
}
