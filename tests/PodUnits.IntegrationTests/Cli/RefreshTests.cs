using System.Net;
using System.Net.Sockets;
using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.Cli;

/// <summary>`podunits refresh` as package transactions run it: a pod whose start has no
/// deadline (an init container waiting for its database) is started without waiting, or
/// `apt install` would hang with it; what failed is tried again by the next refresh.</summary>
public sealed class RefreshTests
{
    [Fact]
    public void APodWhoseStartHasNoDeadlineIsQueuedNotWaitedFor()
    {
        const string name = "cli-refresh-init";
        using var pod = new PodHarness(name, $$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: {{name}}
              annotations:
                podunits.io/autostart: "true"
            spec:
              terminationGracePeriodSeconds: 2
              initContainers:
                - name: wait-for-db
                  image: busybox
                  command: ["sh", "-c", {{System.Text.Json.JsonSerializer.Serialize(PodHarness.Idle)}}]
              containers:
                - name: main
                  image: busybox
                  command: ["sh", "-c", {{System.Text.Json.JsonSerializer.Serialize(PodHarness.Idle)}}]
            """);
        Assert.Equal("infinity", pod.Show("TimeoutStartUSec"));
        // `timeout` turns the hang this guards against into a failure (exit 124).
        var refresh = PodHarness.Run("timeout", "60", "podunits", "refresh", name);
        Assert.True(refresh.Code == 0, refresh.Output);
        Assert.Contains($"pod@{name}.service: start queued, not waited for", refresh.Output, StringComparison.Ordinal);
        Assert.True(PodHarness.WaitFor(() => pod.Show("ActiveState") == "activating"), pod.Show("ActiveState"));
        // Still waiting for its init container: the start goes on after refresh returned.
        Assert.True(PodHarness.WaitFor(() => pod.Journal("-u", pod.Unit).Any(l => l.Contains("wait-for-db", StringComparison.Ordinal))),
            pod.UnitJournalText());
        Assert.Equal("activating", pod.Show("ActiveState"));
    }

    [Fact]
    public void AStartThatFailedIsTriedAgainByTheNextRefresh()
    {
        const string name = "cli-refresh-retry";
        string Pod(string image, string policy) => IdlePod(name, image, policy, autostart: true);
        using var pod = new PodHarness(name, Pod("localhost/not-imported:1", "Never"));
        var first = PodHarness.Run("podunits", "refresh", name);
        Assert.Equal(1, first.Code);
        Assert.Contains($"pod@{name}.service", first.Output, StringComparison.Ordinal);
        // Before, the record took the pod as seen, and every later refresh had nothing to do.
        var again = PodHarness.Run("podunits", "refresh", name);
        Assert.True(again.Code == 1 && again.Output.Contains($"pod@{name}.service", StringComparison.Ordinal), again.Output);
        pod.Redefine(Pod("busybox", "IfNotPresent"));
        RefreshStarts(pod);
    }

    /// <summary>Generator review of 2026-12-07, finding 2: a new pod whose definition did not
    /// load was recorded as seen without a word, so refresh exited 0, and once a fixed
    /// definition came it "stayed stopped" until the next boot.</summary>
    [Fact]
    public void ANewPodWhoseDefinitionDoesNotLoadIsSaidAndStartedOnceItLoads()
    {
        const string name = "cli-refresh-invalid";
        string valid = IdlePod(name, "busybox", "IfNotPresent", autostart: true);
        using var pod = new PodHarness(name, valid.Replace("terminationGracePeriodSeconds: 2", "terminationGracePeriodSeconds: 2\n  restartPolicy: Sometimes", StringComparison.Ordinal));
        string file = $"/etc/podunits/pods/{name}.yaml";
        FailsAndStaysNew(name, $"{file}: validate failed: ", "Sometimes");
        pod.Redefine(valid);
        RefreshStarts(pod);
    }

    /// <summary>Generator review of 2026-12-07, finding 2: a new pod whose Secret an
    /// administrator creates after installing the package was taken as not starting at boot
    /// (the strict load), recorded as seen, and never started by a refresh.</summary>
    [Fact]
    public void ANewPodWhoseSecretIsMissingIsSaidAndStartedOnceItIsCreated()
    {
        const string name = "cli-refresh-nosecret";
        string yaml = IdlePod(name, "busybox", "IfNotPresent", autostart: true)
            .Replace("imagePullPolicy: IfNotPresent", $"imagePullPolicy: IfNotPresent\n      envFrom: [{{secretRef: {{name: {name}}}}}]", StringComparison.Ordinal);
        using var pod = new PodHarness(name, yaml);
        try
        {
            FailsAndStaysNew(name, $"pod@{name}.service: start failed: the definition is invalid: ", $"Secret \"{name}\"");
            var create = PodHarness.Run("podunits", "secret", "create", name, "--from-literal", "token=cli-refresh");
            Assert.True(create.Code == 0, create.Output);
            RefreshStarts(pod);
        }
        finally
        {
            pod.Systemctl("stop", pod.Unit);
            PodHarness.Run("podunits", "secret", "rm", name);
        }
    }

    /// <summary>`podunits refresh NAME` starts the pod.</summary>
    private static void RefreshStarts(PodHarness pod)
    {
        var refresh = PodHarness.Run("podunits", "refresh", pod.Name);
        Assert.True(refresh.Code == 0, refresh.Output);
        Assert.Contains($"{pod.Unit}: started", refresh.Output, StringComparison.Ordinal);
        Assert.Equal("active", pod.Show("ActiveState"));
    }

    /// <summary>`podunits refresh NAME` fails saying each of <paramref name="said"/>, and so
    /// does the next: the pod was not recorded as seen.</summary>
    private static void FailsAndStaysNew(string name, params string[] said)
    {
        for (int i = 0; i < 2; i++)
        {
            var refresh = PodHarness.Run("podunits", "refresh", name);
            Assert.True(refresh.Code == 1, refresh.Output);
            foreach (string part in said)
            {
                Assert.Contains(part, refresh.Output, StringComparison.Ordinal);
            }
        }
    }

    /// <summary>Review of 2026-12-06, finding 6: while stage 0 pulled, the pod had no plan, so
    /// a package's refresh could not tell which definition it was starting: it came up on the
    /// one the package had just replaced, and the record took the new one as done.</summary>
    [Fact]
    public async Task APodStillPullingWhenItsDefinitionChangesIsRestartedOnTheNewOne()
    {
        const string name = "cli-refresh-pulling";
        // A registry that accepts the connection and never answers: the start waits in its pull.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        int port = ((IPEndPoint)silent.LocalEndpoint).Port;
        string Pod(string image, string policy) => IdlePod(name, image, policy, autostart: false);
        using var pod = new PodHarness(name, Pod($"127.0.0.1:{port}/test/slow:1", "IfNotPresent"));
        Assert.Equal(0, PodHarness.Run("podunits", "refresh", name).Code); // seen, so only a change moves it
        Assert.Equal(0, pod.Systemctl("start", "--no-block", pod.Unit).Code);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using Socket connection = await silent.AcceptSocketAsync(timeout.Token); // the pull has begun
        Assert.Equal("activating", pod.Show("ActiveState"));

        pod.Redefine(Pod("busybox", "IfNotPresent"));
        var refresh = PodHarness.Run("podunits", "refresh", name);
        Assert.True(refresh.Code == 0, refresh.Output);
        Assert.Contains($"pod@{name}.service: restarted (/etc/podunits/pods/{name}.yaml changed)", refresh.Output, StringComparison.Ordinal);
        Assert.Equal("active", pod.Show("ActiveState"));
        string image = (string?)System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText($"/run/podunits/state/{name}/plan.json"))!["Containers"]![0]!["Image"] ?? "";
        Assert.Contains("busybox", image, StringComparison.Ordinal);
    }

    /// <summary>Generator review of 2026-12-06, finding 4: one definition file refresh could not
    /// hash (larger than a definition may be, here) failed the whole refresh, before it decided
    /// anything for any pod; the generator skips such a file and goes on.</summary>
    [Fact]
    public void AnUnreadableDefinitionIsSaidAndLeftAsItIsWhileTheOthersAreRefreshed()
    {
        const string name = "cli-refresh-beside";
        const string big = "/etc/podunits/pods/cli-refresh-big.yaml";
        using var pod = new PodHarness(name, IdlePod(name, "busybox", "IfNotPresent", autostart: true));
        try
        {
            File.WriteAllText(big, "# " + new string('x', 2 << 20) + "\n");
            var refresh = PodHarness.Run("podunits", "refresh", name, "cli-refresh-big");
            Assert.True(refresh.Code == 1, refresh.Output);
            Assert.Contains($"pod@{name}.service: started", refresh.Output, StringComparison.Ordinal);
            Assert.Contains($"{big}: read failed: ", refresh.Output, StringComparison.Ordinal);
            Assert.Contains("pod cli-refresh-big left as it is", refresh.Output, StringComparison.Ordinal);
            Assert.Equal("active", pod.Show("ActiveState"));
        }
        finally
        {
            File.Delete(big);
        }
    }

    /// <summary>Generator review of 2026-12-06, finding 8: a stopped pod enabled with
    /// `systemctl enable` kept its link when its definition went, and every boot then failed
    /// it for want of a definition; only a running pod's removal disabled it.</summary>
    [Fact]
    public void AStoppedEnabledPodWhoseDefinitionIsRemovedIsDisabled()
    {
        const string name = "cli-refresh-gone";
        string unit = $"pod@{name}.service";
        try
        {
            using (var pod = new PodHarness(name, IdlePod(name, "busybox", "IfNotPresent", autostart: false)))
            {
                Assert.Equal(0, PodHarness.Run("podunits", "refresh", name).Code); // seen, stopped
                Assert.Equal(0, pod.Systemctl("enable", unit).Code);
                Assert.Equal("enabled", pod.Systemctl("is-enabled", unit).Output.Trim());
            } // the definition removed, the pod never started
            var refresh = PodHarness.Run("podunits", "refresh", name);
            Assert.True(refresh.Code == 0, refresh.Output);
            Assert.Contains($"{unit}: stopped (its definition was removed; it was enabled, and is disabled)", refresh.Output, StringComparison.Ordinal);
            Assert.NotEqual("enabled", PodHarness.Run("systemctl", "is-enabled", unit).Output.Trim());
        }
        finally
        {
            PodHarness.Run("systemctl", "disable", unit);
        }
    }

    /// <summary>Packaging review of 2026-12-07, finding 1: a package's trigger in a rescue or
    /// installer chroot, with the host's /run bound into it, refreshed the host's pods against
    /// the chroot's definitions. refresh now leaves systemd alone there and with
    /// SYSTEMD_OFFLINE=1, as systemctl does. The chroot here sees the same definitions, so
    /// without that the enabled pod would start.</summary>
    [Fact]
    public void AChrootOrAnOfflineSystemIsNotRefreshed()
    {
        const string name = "cli-refresh-chroot";
        using var pod = new PodHarness(name, IdlePod(name, "busybox", "IfNotPresent", autostart: true));
        var offline = PodHarness.Run("env", "SYSTEMD_OFFLINE=1", "podunits", "refresh", name);
        Assert.True(offline.Code == 0, offline.Output);
        Assert.Contains("podunits refresh: SYSTEMD_OFFLINE is set; systemd's units are left alone", offline.Output, StringComparison.Ordinal);

        string root = Directory.CreateTempSubdirectory("podunits-chroot-").FullName;
        try
        {
            // In a mount namespace of its own, so every mount goes with it: the host's /usr,
            // /etc, /var and /run bound in, as a rescue chroot has them, and its own /proc.
            // With a /proc of its own and without (a rescue chroot often has none).
            foreach (string proc in (string[])["mount -t proc proc proc", ": no /proc"])
            {
                string script = $"""
                    mount --make-rprivate /
                    mount -t tmpfs chroot {root}
                    cd {root}
                    mkdir usr etc var run proc dev tmp
                    for link in bin sbin lib lib64; do ln -s usr/$link $link; done
                    for dir in usr etc var run dev; do mount --rbind /$dir $dir; done
                    {proc}
                    exec chroot {root} /usr/bin/podunits refresh {name}
                    """;
                var chrooted = PodHarness.Run("unshare", "-m", "sh", "-ec", script);
                Assert.True(chrooted.Code == 0, chrooted.Output);
                Assert.Contains("podunits refresh: this runs in a chroot (its / is not PID 1's root)", chrooted.Output, StringComparison.Ordinal);
            }
        }
        finally
        {
            Directory.Delete(root);
        }
        Assert.Equal("inactive", pod.Show("ActiveState"));
        // The same pod on the running system: refresh starts it.
        var refresh = PodHarness.Run("podunits", "refresh", name);
        Assert.True(refresh.Code == 0, refresh.Output);
        Assert.Contains($"pod@{name}.service: started", refresh.Output, StringComparison.Ordinal);
    }

    /// <summary>A one-container pod idling on <paramref name="image"/>.</summary>
    private static string IdlePod(string name, string image, string policy, bool autostart) => $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {{name}}
          annotations:
            podunits.io/autostart: "{{(autostart ? "true" : "false")}}"
        spec:
          terminationGracePeriodSeconds: 2
          containers:
            - name: main
              image: {{image}}
              imagePullPolicy: {{policy}}
              command: ["sh", "-c", {{System.Text.Json.JsonSerializer.Serialize(PodHarness.Idle)}}]
        """;
}
